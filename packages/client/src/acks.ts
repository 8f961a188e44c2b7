import type { ClientFrame } from '@knock/protocol/frames';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import type { TimerHandle, Timers } from './platform.js';
import { systemTimers } from './platform.js';
import type { ClientStore } from './store.js';

export type AckFrame = Extract<ClientFrame, { type: 'ack' }>;

export interface AckSchedulerOptions {
  store: ClientStore;
  /** Hands the frame to the socket; false when offline. */
  send: (frame: AckFrame) => boolean;
  timers?: Timers;
  logger?: Logger;
  /** How long to gather cursor moves before one store write and one ack per chat. */
  delayMs?: number;
}

/**
 * Persists cursors and acknowledges them to the server, coalesced: many messages handled in a burst
 * cost one store write and one `ack` per chat. A cursor is always persisted before it is acked, so
 * the server never deletes a message this client could still lose.
 */
export class AckScheduler {
  readonly #options: AckSchedulerOptions;
  readonly #timers: Timers;
  readonly #logger: Logger;
  /** Cursors handled by the app but not yet persisted. */
  readonly #toPersist = new Map<string, number>();
  /** Persisted cursors not yet handed to a socket. */
  readonly #toAck = new Map<string, number>();
  #timer: TimerHandle | undefined;
  #flushing: Promise<void> | undefined;
  #again = false;

  constructor(options: AckSchedulerOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The app has handled everything in `chatId` up to `seq`. */
  mark(chatId: string, seq: number): void {
    if (seq <= 0) return;
    this.#toPersist.set(chatId, Math.max(seq, this.#toPersist.get(chatId) ?? 0));
    this.#schedule();
  }

  /** Drops anything pending for a chat that no longer exists. */
  forget(chatId: string): void {
    this.#toPersist.delete(chatId);
    this.#toAck.delete(chatId);
  }

  /** Persists and sends everything pending now; resolves when done. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = this.#run().finally(() => {
      this.#flushing = undefined;
      if (this.#again) {
        this.#again = false;
        void this.flush();
      }
    });
    return this.#flushing;
  }

  close(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushing) {
      if (this.#flushing) this.#again = true;
      return;
    }
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.delayMs ?? 25);
  }

  async #run(): Promise<void> {
    if (this.#toPersist.size > 0) {
      const batch = new Map(this.#toPersist);
      this.#toPersist.clear();
      try {
        await this.#options.store.saveCursors(batch);
      } catch (error) {
        this.#logger.error('could not persist cursors; retrying with the next flush', {
          error: String(error),
        });
        for (const [chatId, seq] of batch) {
          this.#toPersist.set(chatId, Math.max(seq, this.#toPersist.get(chatId) ?? 0));
        }
        return;
      }
      for (const [chatId, seq] of batch) {
        this.#toAck.set(chatId, Math.max(seq, this.#toAck.get(chatId) ?? 0));
      }
    }
    for (const [chatId, seq] of [...this.#toAck]) {
      if (!this.#options.send({ type: 'ack', chatId, seq })) return;
      if (this.#toAck.get(chatId) === seq) this.#toAck.delete(chatId);
    }
  }
}
