import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../platform/logger.js';
import { closeThread, startThread } from '../../platform/threads.js';
import type { WriteOp, WriteResult } from './repository.js';
import type { Committer } from './write-queue.js';
import type { WriterReply, WriterRequest } from './writer-messages.js';

interface Waiting {
  resolve: (results: WriteResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Commits batches on the message writer's thread (writer-thread.ts) over a SQLite file: better-
 * sqlite3 blocks while it runs statements and the fsync of each commit, and there it blocks
 * nobody but itself. A thread that dies fails what it held (the write queue then retries those
 * writes one by one) and the next batch starts a new one.
 */
export class WriterClient implements Committer {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    /** Called each time the thread starts (the server starts its checkpointer with it). */
    private readonly onStart: () => void = () => undefined,
  ) {}

  /**
   * Starts the thread now rather than at the first commit, which would otherwise wait for it
   * (a few hundred milliseconds: a thread, its modules, a connection) with every send behind it.
   */
  start(): void {
    if (!this.closed && !this.worker) this.spawn();
  }

  commit(ops: readonly WriteOp[], now: number, cutoff: number): Promise<WriteResult[]> {
    if (this.closed) return Promise.reject(new Error('the message writer is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post(worker, { kind: 'commit', id, ops, now, cutoff });
    });
  }

  /** Closes the writer's connection and ends its thread; call once the write queue is drained. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const request: WriterRequest = { kind: 'close' };
    await closeThread(worker, request);
  }

  private spawn(): Worker {
    const worker = startThread(import.meta.url, 'writer-thread', { file: this.file });
    this.worker = worker;
    this.onStart();
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    worker.on('error', (error) => {
      this.log.error({ err: error }, 'message writer failed');
      this.failAll(error);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error('the message writer stopped'));
    });
    return worker;
  }

  private post(worker: Worker, request: WriterRequest): void {
    worker.postMessage(request);
  }

  private settle(reply: WriterReply): void {
    if (reply.kind === 'closed') return;
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.kind === 'committed') waiting?.resolve(reply.results);
    else waiting?.reject(reply.error);
  }

  private failAll(error: unknown): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
