import { performance } from 'node:perf_hooks';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { WriteOp, WriteResult } from './repository.js';

/** Commits a batch in one transaction: the repository itself, or the writer thread in front of it. */
export interface Committer {
  commit(ops: readonly WriteOp[], now: number, cutoff: number): Promise<WriteResult[]>;
}

interface Pending {
  op: WriteOp;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 2000;
/**
 * Cursor writes a batch with sends in it takes: at least this many, or an eighth of its sends.
 * They are soft state (CursorBook) and come a slice at a time once a second; a batch that took a
 * whole slice would make the sends beside it wait for a hundred cursor updates and their purges.
 */
const CURSOR_SHARE_MIN = 32;
const CURSOR_SHARE = 1 / 8;
/** The most writes one batch can hold: a full batch of sends and its share of cursor writes. */
export const MAX_BATCH_WRITES = MAX_BATCH + Math.floor(MAX_BATCH * CURSOR_SHARE);

/**
 * Group commit. Writes that arrive while a batch is committing wait for the next one, so under
 * load each transaction (and its fsync) carries many messages, and at rest a lone message commits
 * at once. Sends go first; cursor writes fill in behind them (CURSOR_SHARE). Results are handed
 * out in seq order so live delivery needs no reordering.
 */
export class WriteQueue {
  private sends: Pending[] = [];
  private cursors: Pending[] = [];
  private flushing = false;
  private idle: (() => void)[] = [];
  private relieved: (() => void)[] = [];
  /** Frames read from sockets and not yet handled: writes that may be on their way. */
  private reserved = 0;

  constructor(
    private readonly committer: Committer,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxDepth: number,
    private readonly log: Logger,
    /** Told of every batch committed: how many writes and how long the commit took. */
    private readonly onCommitted: (writes: number, seconds: number) => void = () => undefined,
  ) {}

  get depth(): number {
    return this.sends.length + this.cursors.length;
  }

  /**
   * Past half its capacity (counting frames on their way, see `reserve`) the queue asks its
   * producers to stop reading (see ReadGate) until it is back under a quarter, so that load turns
   * into backpressure long before sends are refused.
   */
  get congested(): boolean {
    return this.depth + this.reserved >= this.maxDepth / 2;
  }

  /**
   * Counts a frame just read as a possible write until the returned function is called. A socket
   * hands over a whole chunk of frames before any of them reaches the queue; counting them at once
   * lets the next frame already see the congestion they will cause.
   */
  reserve(): () => void {
    this.reserved++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.reserved--;
      this.relieve();
    };
  }

  /** Resolves once the queue is back under a quarter of its capacity. */
  relief(): Promise<void> {
    if (this.relaxed()) return Promise.resolve();
    return new Promise((resolve) => this.relieved.push(resolve));
  }

  /** Queues a write; rejects with `slow_down` when the queue is full (load shedding). */
  submit(op: WriteOp): Promise<WriteResult> {
    if (this.depth >= this.maxDepth) return Promise.reject(new AppError('slow_down'));
    return new Promise((resolve, reject) => {
      (op.kind === 'send' ? this.sends : this.cursors).push({ op, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves once everything queued so far is committed or failed. */
  drained(): Promise<void> {
    if (!this.flushing && this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async flush(): Promise<void> {
    while (this.depth > 0) {
      await this.commit(this.nextBatch());
      if (this.depth < this.maxDepth / 4) for (const resolve of this.relieved.splice(0)) resolve();
    }
    this.flushing = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private nextBatch(): Pending[] {
    const sends = this.sends.splice(0, MAX_BATCH);
    // Cursor writes always get their share, so they keep moving however busy the sends are.
    const share =
      sends.length === 0
        ? MAX_BATCH
        : Math.max(CURSOR_SHARE_MIN, Math.floor(sends.length * CURSOR_SHARE));
    return sends.concat(this.cursors.splice(0, share));
  }

  private relaxed(): boolean {
    return this.depth + this.reserved < this.maxDepth / 4;
  }

  private relieve(): void {
    if (this.relieved.length > 0 && this.relaxed()) {
      for (const resolve of this.relieved.splice(0)) resolve();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const now = this.clock.now();
    try {
      const started = performance.now();
      const results = await this.committer.commit(
        batch.map((p) => p.op),
        now,
        now - this.ttlMs,
      );
      this.onCommitted(batch.length, (performance.now() - started) / 1000);
      settleInSeqOrder(batch, results);
    } catch (error) {
      if (batch.length === 1) {
        this.log.error({ err: error }, 'write failed');
        batch[0]?.reject(error);
        return;
      }
      // One bad write must not sink its neighbours: retry each on its own.
      for (const item of batch) await this.commit([item]);
    }
  }
}

function settleInSeqOrder(batch: Pending[], results: WriteResult[]): void {
  const order = batch.map((_, i) => i);
  const rank = (i: number) => {
    const r = results[i];
    return r?.ok && r.kind === 'send' ? r.seq : Number.MAX_SAFE_INTEGER;
  };
  order.sort((a, b) => rank(a) - rank(b));
  for (const i of order) batch[i]?.resolve(results[i] as WriteResult);
}
