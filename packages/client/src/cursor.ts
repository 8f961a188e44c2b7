/**
 * Per-chat delivery bookkeeping, free of I/O so that it can be tested exhaustively (DESIGN §4).
 *
 * `cursor` is the highest seq up to which every seq of the chat is known, from either kind of frame:
 * `message` (anyone's message, pushed or replayed) and `sent` (the ack of the client's own send).
 * Seqs at or below the cursor are duplicates. A `message` beyond cursor + 1 reveals a gap: it is
 * dropped and the caller asks the server to replay from the cursor (`sync`), which re-sends it in
 * order. A `sent` beyond cursor + 1 is remembered (the seq is ours) and the cursor jumps over it once
 * the seqs before it arrive.
 */

export type MessageDecision =
  /** Already known: drop silently. */
  | { kind: 'duplicate' }
  /** The next seq: hand it to the app; the cursor is now `cursor`. */
  | { kind: 'deliver'; cursor: number }
  /** Beyond a gap: drop it; when `syncAfter` is set, send `sync` with that `afterSeq`. */
  | { kind: 'gap'; syncAfter?: number };

export type SentDecision =
  | { kind: 'duplicate' }
  /** The cursor moved to `cursor`. */
  | { kind: 'advanced'; cursor: number }
  /** Remembered beyond a gap; the seqs before it should follow (see `checkGap`). */
  | { kind: 'ahead' };

export interface ChatCursorOptions {
  /** A sync that made no progress for this long may be requested again. */
  resyncAfterMs: number;
}

export const defaultCursorOptions: ChatCursorOptions = { resyncAfterMs: 5_000 };

export class ChatCursor {
  #cursor: number;
  /** Own seqs known from `sent` that lie beyond the cursor. */
  readonly #ahead = new Set<number>();
  #highestSeen: number;
  #sync: { afterSeq: number; at: number } | undefined;
  readonly #options: ChatCursorOptions;

  constructor(cursor = 0, options: ChatCursorOptions = defaultCursorOptions) {
    this.#cursor = cursor;
    this.#highestSeen = cursor;
    this.#options = options;
  }

  get cursor(): number {
    return this.#cursor;
  }

  /** Whether a seq beyond the cursor is known to exist. */
  get hasGap(): boolean {
    return this.#highestSeen > this.#cursor;
  }

  /** Whether a sync was requested and has not yet filled the gap. */
  get syncing(): boolean {
    return this.#sync !== undefined;
  }

  isKnown(seq: number): boolean {
    return seq <= this.#cursor || this.#ahead.has(seq);
  }

  /** Whether `onMessage(seq)` would deliver: the seq right after the cursor, not yet known. */
  isNext(seq: number): boolean {
    return seq === this.#cursor + 1 && !this.#ahead.has(seq);
  }

  onMessage(seq: number, now: number): MessageDecision {
    if (this.isKnown(seq)) return { kind: 'duplicate' };
    if (seq === this.#cursor + 1) return { kind: 'deliver', cursor: this.#advance(seq) };
    this.#highestSeen = Math.max(this.#highestSeen, seq);
    const syncAfter = this.#maybeSync(now);
    return syncAfter === undefined ? { kind: 'gap' } : { kind: 'gap', syncAfter };
  }

  onSent(seq: number): SentDecision {
    if (this.isKnown(seq)) return { kind: 'duplicate' };
    if (seq === this.#cursor + 1) return { kind: 'advanced', cursor: this.#advance(seq) };
    this.#ahead.add(seq);
    this.#highestSeen = Math.max(this.#highestSeen, seq);
    return { kind: 'ahead' };
  }

  /** For a gap that only a `sent` revealed: returns the `afterSeq` to sync from, if one is due. */
  checkGap(now: number): number | undefined {
    return this.hasGap ? this.#maybeSync(now) : undefined;
  }

  /** A new connection: syncs asked on the old one are void; the server replays from its ack. */
  resetSync(): void {
    this.#sync = undefined;
    this.#highestSeen = Math.max(this.#cursor, ...this.#ahead);
  }

  #advance(seq: number): number {
    this.#cursor = seq;
    while (this.#ahead.delete(this.#cursor + 1)) this.#cursor++;
    if (this.#cursor >= this.#highestSeen) {
      this.#highestSeen = this.#cursor;
      this.#sync = undefined;
    }
    return this.#cursor;
  }

  #maybeSync(now: number): number | undefined {
    const sync = this.#sync;
    if (sync === undefined) {
      this.#sync = { afterSeq: this.#cursor, at: now };
      return this.#cursor;
    }
    if (sync.afterSeq < this.#cursor) {
      // The replay is making progress; give it time rather than asking for the same pages again.
      this.#sync = { afterSeq: this.#cursor, at: now };
      return undefined;
    }
    if (now - sync.at >= this.#options.resyncAfterMs) {
      this.#sync = { afterSeq: this.#cursor, at: now };
      return this.#cursor;
    }
    return undefined;
  }
}
