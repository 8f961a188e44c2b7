import { Worker } from 'node:worker_threads';

/**
 * Starts the worker thread whose module is `name` beside `callerUrl` (pass `import.meta.url`).
 * Compiled, that is the sibling .js file; run from the sources (tests), tsx loads the .ts.
 */
export function startThread(callerUrl: string, name: string, workerData: unknown): Worker {
  if (callerUrl.endsWith('.js')) {
    return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  }
  const source = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Asks a thread to close its resources (`request`), waits until it answers `{ kind: 'closed' }`
 * or exits, then ends it.
 */
export async function closeThread(worker: Worker, request: unknown): Promise<void> {
  await new Promise<void>((resolve) => {
    worker.on('message', (reply: { kind?: unknown }) => {
      if (reply.kind === 'closed') resolve();
    });
    worker.once('exit', () => resolve());
    worker.postMessage(request);
  });
  await worker.terminate();
}
