import type { MessagePort } from 'node:worker_threads';

/** What a worker thread tells its parent at the end: its result, or why it failed. */
export type WorkerOutcome<R> = { type: 'result'; result: R } | { type: 'failed'; message: string };

/** Posts how `run` ended to the parent, then lets the port go. */
export function reportOutcome<R>(run: Promise<R>, port: MessagePort): void {
  const post = (outcome: WorkerOutcome<R>) => port.postMessage(outcome);
  run.then(
    (result) => {
      post({ type: 'result', result });
      port.close();
    },
    (error: unknown) => {
      post({
        type: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      port.close();
    },
  );
}
