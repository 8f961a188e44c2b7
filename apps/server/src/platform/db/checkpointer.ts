import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { closeThread, startThread } from '../threads.js';
import type { CheckpointReply, CheckpointRequest } from './checkpoint-messages.js';

/** How often the write-ahead log is folded back into a SQLite file. */
export const CHECKPOINT_INTERVAL_MS = 200;
/** A checkpointer thread that died is started again after this long. */
const RESTART_MS = 1000;

/**
 * Checkpoints a SQLite file on a thread of its own (checkpoint-thread.ts). Left to SQLite, the
 * commit that takes the write-ahead log past its limit copies the log into the database and
 * fsyncs it before it returns: a pause of tens of milliseconds for whichever batch of messages,
 * or whichever request on the event loop, happens to cross it. Here that work runs beside them,
 * and the connections' own automatic checkpoint is only a backstop (see `openSqlite`).
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private closed = false;
  private restart: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.worker || this.closed) return;
    const worker = startThread(import.meta.url, 'checkpoint-thread', {
      file: this.file,
      intervalMs: this.intervalMs,
    });
    this.worker = worker;
    worker.on('message', (reply: CheckpointReply) => {
      if (reply.kind === 'failed') this.log.warn({ reason: reply.message }, 'checkpoint failed');
    });
    worker.on('error', (error) => this.log.error({ err: error }, 'checkpointer failed'));
    worker.on('exit', () => {
      this.worker = undefined;
      if (this.closed) return;
      this.restart = setTimeout(() => this.start(), RESTART_MS);
      this.restart.unref();
    });
  }

  /** Stops checkpointing and closes the thread's connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restart);
    const worker = this.worker;
    if (!worker) return;
    const request: CheckpointRequest = { kind: 'close' };
    await closeThread(worker, request);
  }
}
