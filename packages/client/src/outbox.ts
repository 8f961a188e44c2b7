import type { SendFrame } from '@knock/protocol/frames';
import type { BackoffOptions } from './backoff.js';
import { backoffDelay } from './backoff.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import type { TimerHandle, Timers } from './platform.js';
import { systemTimers } from './platform.js';
import type { ClientStore, OutboxEntry } from './store.js';
import { Serial } from './serial.js';

export interface OutboxTransport {
  /** Hands a frame to the socket; false when offline. */
  send(frame: SendFrame): boolean;
}

export interface OutboxOptions {
  timers?: Timers;
  logger?: Logger;
  random?: () => number;
  /** Backoff for sends the server asked to retry later (`slow_down`, `rate_limited`). */
  retryBackoff?: BackoffOptions;
}

const defaultRetryBackoff: BackoffOptions = { baseMs: 1_000, capMs: 30_000, stableAfterMs: 0 };

/**
 * The persistent queue of unacknowledged sends (DESIGN §4.5). An entry is written to the store
 * before it is first sent and leaves it only when the server acknowledged it (`sent`) or rejected it
 * for good. On every connection the whole queue is sent again, in order, with the same ids; the
 * server's idempotency turns resends of stored messages into the same `sent` answer.
 */
export class Outbox {
  readonly #store: ClientStore;
  readonly #transport: OutboxTransport;
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #retryBackoff: BackoffOptions;
  #entries: OutboxEntry[] = [];
  readonly #inFlight = new Set<string>();
  readonly #serial = new Serial();
  #retryTimer: TimerHandle | undefined;
  #retryAttempt = 0;

  constructor(store: ClientStore, transport: OutboxTransport, options: OutboxOptions = {}) {
    this.#store = store;
    this.#transport = transport;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? silentLogger;
    this.#random = options.random ?? Math.random;
    this.#retryBackoff = options.retryBackoff ?? defaultRetryBackoff;
  }

  /** Unacknowledged entries in send order. */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  get(clientMessageId: string): OutboxEntry | undefined {
    return this.#entries.find((entry) => entry.clientMessageId === clientMessageId);
  }

  /** Re-reads the queue from the store (which other processes may share) and sends all of it. */
  reload(): Promise<void> {
    return this.#serial.run(async () => {
      this.#entries = await this.#store.listOutbox();
      this.#inFlight.clear();
      this.pump();
    });
  }

  /** Persists the entry, then sends it if online. Resolves once the entry is durable. */
  add(entry: OutboxEntry): Promise<void> {
    return this.#serial.run(async () => {
      await this.#store.addOutboxEntry(entry);
      if (!this.get(entry.clientMessageId)) this.#entries.push(entry);
      this.pump();
    });
  }

  /** Sends, in order, every entry not already sent on this connection. */
  pump(): void {
    for (const entry of this.#entries) {
      if (this.#inFlight.has(entry.clientMessageId)) continue;
      const frame: SendFrame = {
        type: 'send',
        chatId: entry.chatId,
        clientMessageId: entry.clientMessageId,
        ciphertext: entry.ciphertext,
      };
      if (!this.#transport.send(frame)) return;
      this.#inFlight.add(entry.clientMessageId);
    }
  }

  /** The connection dropped: whatever was in flight must be sent again on the next one. */
  disconnected(): void {
    this.#inFlight.clear();
    this.#cancelRetry();
  }

  /**
   * Removes an entry for good: the server stored it (`sent`) or rejected it permanently. Returns
   * the entry when it was in the queue. The removal is durable when the promise resolves.
   */
  settle(clientMessageId: string, stored: boolean): Promise<OutboxEntry | undefined> {
    return this.#serial.run(async () => {
      const entry = this.get(clientMessageId);
      if (stored) this.#retryAttempt = 0;
      if (!entry) return undefined;
      await this.#store.removeOutboxEntry(clientMessageId);
      this.#entries = this.#entries.filter((e) => e.clientMessageId !== clientMessageId);
      this.#inFlight.delete(clientMessageId);
      return entry;
    });
  }

  /** The server asked to retry later: send the entry again after a backoff delay. */
  retryLater(clientMessageId: string): void {
    if (!this.get(clientMessageId)) return;
    this.#inFlight.delete(clientMessageId);
    if (this.#retryTimer !== undefined) return;
    const delay = backoffDelay(this.#retryAttempt++, this.#retryBackoff, this.#random);
    this.#logger.info('server asked to retry a send later', { delayMs: delay });
    this.#retryTimer = this.#timers.setTimeout(() => {
      this.#retryTimer = undefined;
      this.pump();
    }, delay);
  }

  /** Forgets a chat's entries (the caller deletes them from the store) and returns them. */
  dropChat(chatId: string): OutboxEntry[] {
    const dropped = this.#entries.filter((entry) => entry.chatId === chatId);
    this.#entries = this.#entries.filter((entry) => entry.chatId !== chatId);
    for (const entry of dropped) this.#inFlight.delete(entry.clientMessageId);
    return dropped;
  }

  /** Stops the retry timer. */
  close(): void {
    this.#cancelRetry();
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}
