import { Worker } from 'node:worker_threads';
import type { IdleResult, LoadJob, PairsResult, ParentCommand, WorkerEvent } from './jobs.js';

type Phase = Extract<WorkerEvent, { type: 'phase' }>['phase'];

/** Runs one load job in a fresh worker thread; `onPhase` hears its phase changes as they happen. */
export function runLoadJob<J extends LoadJob>(
  job: J,
  onPhase: (phase: Phase, command: (c: ParentCommand) => void) => void,
): Promise<J extends { kind: 'pairs' } ? PairsResult : IdleResult> {
  type Result = J extends { kind: 'pairs' } ? PairsResult : IdleResult;
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
  const command = (c: ParentCommand) => worker.postMessage(c);
  return new Promise<Result>((resolve, reject) => {
    let settled = false;
    worker.on('message', (event: WorkerEvent) => {
      if (event.type === 'phase') return onPhase(event.phase, command);
      settled = true;
      void worker.terminate();
      if (event.type === 'result') resolve(event.result as Result);
      else reject(new Error(`load generator failed: ${event.message}`));
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code}`));
    });
  });
}
