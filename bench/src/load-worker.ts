/**
 * The load generator runs in a worker thread: its event loop is busy with tens of thousands of
 * frames a second, while the main thread stays free to sample /proc on time and steer phases.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reportOutcome } from './worker-outcome.js';
import { runIdle } from './idle.js';
import type { IdleResult, LoadJob, PairsResult, ParentCommand, WorkerEvent } from './jobs.js';
import { runPairs } from './load.js';

const port = parentPort;
if (!port) throw new Error('load-worker must run as a worker thread');
const post = (event: WorkerEvent) => port.postMessage(event);
const job = workerData as LoadJob;

const release = new Promise<void>((resolve) => {
  port.on('message', (command: ParentCommand) => {
    if (command.type === 'close') resolve();
  });
});

const run: Promise<PairsResult | IdleResult> =
  job.kind === 'pairs'
    ? runPairs(job, (phase) => post({ type: 'phase', phase }))
    : runIdle(job, (phase) => post({ type: 'phase', phase }), release);

reportOutcome(run, port);
