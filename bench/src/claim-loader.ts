import { Worker } from 'node:worker_threads';
import type { ClaimJob, ClaimLoadResult } from './claim-load.js';
import type { ClaimCommand, ClaimEvent } from './claim-worker.js';

/** A claim load job running in its own worker thread, steered from here. */
export interface ClaimRun {
  /** Resolves once its connections are open (a steered job then waits for `start`). */
  ready: Promise<void>;
  start(): void;
  stop(): void;
  result: Promise<ClaimLoadResult>;
}

export function startClaimJob(job: ClaimJob): ClaimRun {
  const worker = new Worker(new URL('./claim-worker.js', import.meta.url), { workerData: job });
  const command = (c: ClaimCommand) => worker.postMessage(c);
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<ClaimLoadResult>((resolve, reject) => {
    let settled = false;
    worker.on('message', (event: ClaimEvent) => {
      if (event.type === 'ready') return onReady();
      settled = true;
      void worker.terminate();
      if (event.type === 'result') resolve(event.result);
      else reject(new Error(`claim load generator failed: ${event.message}`));
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`claim load generator exited with code ${code}`));
    });
  });
  // A failure before `ready` must not leave the caller waiting for it.
  const readyOrFailed = Promise.race([ready, result.then(() => undefined)]);
  return {
    ready: readyOrFailed,
    start: () => command({ type: 'start' }),
    stop: () => command({ type: 'stop' }),
    result,
  };
}
