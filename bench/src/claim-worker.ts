/**
 * The guest-claim load generator's thread (see claim-load.ts): the parent steers a storm with
 * `start` and `stop`; an unsteered job starts at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reportOutcome, type WorkerOutcome } from './worker-outcome.js';
import { runClaims, type ClaimJob, type ClaimLoadResult } from './claim-load.js';

/** Parent → worker. */
export type ClaimCommand = { type: 'start' } | { type: 'stop' };
/** Worker → parent. */
export type ClaimEvent = { type: 'ready' } | WorkerOutcome<ClaimLoadResult>;

const port = parentPort;
if (!port) throw new Error('claim-worker must run as a worker thread');
const post = (event: ClaimEvent) => port.postMessage(event);
const job = workerData as ClaimJob;

let start: () => void = () => undefined;
let stop: () => void = () => undefined;
const started = new Promise<void>((resolve) => (start = resolve));
const stopped = new Promise<void>((resolve) => (stop = resolve));
if (!job.startOnCommand) start();
port.on('message', (command: ClaimCommand) => {
  if (command.type === 'start') start();
  if (command.type === 'stop') stop();
});

reportOutcome(runClaims(job, { ready: () => post({ type: 'ready' }), started, stopped }), port);
