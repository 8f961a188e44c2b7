import { performance } from 'node:perf_hooks';

export type CursorKind = 'ack' | 'read';

/** What storage holds for one chat: enough to judge a cursor move without asking it again. */
export interface CursorState {
  lastSeq: number;
  lastActivityAt: number;
  members: { userId: string; ackedSeq: number; readSeq: number }[];
}

/** One cursor to persist: the member's highest seq of that kind, and what storage held before. */
export interface CursorWrite {
  kind: CursorKind;
  chatId: string;
  userId: string;
  seq: number;
  fromSeq: number;
  /**
   * An ack that may have passed payloads someone else wrote, to be deleted from the mailbox.
   * False only when every message after `fromSeq` is known to be the member's own (the SDK acks
   * its own sends): then there is nothing to look for.
   */
  purge: boolean;
}

export interface CursorStorage {
  /** The chat's seq, activity and members' cursors; undefined when it does not exist. */
  load(chatId: string): Promise<CursorState | undefined>;
  /** Writes cursors forward (never back); resolves with which writes were stored. */
  persist(writes: readonly CursorWrite[]): Promise<boolean[]>;
}

/**
 * `news`: the move passed a message someone else wrote, so the receipt tells them something. A
 * cursor passing only the mover's own messages (the SDK acks its own sends) is stored but not
 * announced.
 */
export type MarkResult =
  { ok: false } | { ok: true; moved: boolean; news: boolean; memberIds: readonly string[] };

interface Member {
  userId: string;
  ack: number;
  read: number;
  storedAck: number;
  storedRead: number;
}

interface Entry {
  lastSeq: number;
  /** The highest seq each member wrote, known exactly for the seqs after `authorsFrom`. */
  authors: Map<string, number>;
  authorsFrom: number;
  lastActivityAt: number;
  members: Member[];
  /** The members' ids, made once: every ack and read hands them to its receipt. */
  memberIds: readonly string[];
  touchedAt: number;
}

/** Clean entries untouched this long are dropped; storage holds what they knew. */
const IDLE_MS = 60_000;
/** Cursor writes handed to storage at a time. */
const WRITE_SLICE = 128;
/** Above this many cached chats, clean entries go at the next flush whatever their age. */
const MAX_ENTRIES = 100_000;

/**
 * Delivered and read cursors as soft state. A move is judged and applied in memory at once, so
 * its receipt goes out without waiting for a disk write; storage catches up on `flush`, which
 * runs every second and before anything reads cursors from storage. Losing the unflushed moves
 * in a crash costs nothing but redelivery: a member whose stored cursor is behind is sent those
 * messages again, and clients drop what they already have (at-least-once, DESIGN §4). Payloads
 * leave the mailbox only once the recipient's cursor is stored.
 */
export class CursorBook {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | undefined;

  constructor(private readonly storage: CursorStorage) {}

  /** How many chats have moves not yet stored. */
  get pending(): number {
    return this.dirty.size;
  }

  /**
   * Moves `userId`'s cursor of `kind` in `chatId` to `seq` if that is forward and not past the
   * chat's last message. Fails when the user is no member of a live chat (`cutoff` is the latest
   * activity time that counts as expired).
   */
  async mark(
    kind: CursorKind,
    chatId: string,
    userId: string,
    seq: number,
    cutoff: number,
  ): Promise<MarkResult> {
    let entry = this.entries.get(chatId) ?? (await this.load(chatId));
    // Another node may have moved the chat on since it was cached: ask storage before refusing.
    if (entry && (seq > entry.lastSeq || entry.lastActivityAt <= cutoff)) {
      entry = await this.load(chatId);
    }
    const member = entry?.members.find((m) => m.userId === userId);
    if (!entry || !member || entry.lastActivityAt <= cutoff) return { ok: false };
    entry.touchedAt = performance.now();
    const { memberIds } = entry;
    const from = member[kind];
    if (seq <= from || seq > entry.lastSeq) {
      return { ok: true, moved: false, news: false, memberIds };
    }
    member[kind] = seq;
    this.dirty.add(chatId);
    const news = othersWroteAfter(entry, userId, from);
    return { ok: true, moved: true, news, memberIds };
  }

  /**
   * Message `seq` exists in the chat, written by `authorId` if known (committed here or on
   * another node). Messages committed here are noted in seq order.
   */
  noteMessages(chatId: string, seq: number, at?: number, authorId?: string): void {
    const entry = this.entries.get(chatId);
    if (!entry || seq <= entry.lastSeq) return;
    if (authorId !== undefined && seq === entry.lastSeq + 1) entry.authors.set(authorId, seq);
    else entry.authorsFrom = seq; // a gap or an unknown author: who wrote up to here is unknown
    entry.lastSeq = seq;
    if (at !== undefined) entry.lastActivityAt = Math.max(entry.lastActivityAt, at);
  }

  /** The chat is gone: nothing of it is kept or written. */
  forget(chatId: string): void {
    this.entries.delete(chatId);
    this.dirty.delete(chatId);
  }

  /** Flushes every `intervalMs` until the returned function is called. */
  flushEvery(intervalMs: number, onError: (error: unknown) => void): () => void {
    const timer = setInterval(() => void this.flush().catch(onError), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Stores every move made so far; concurrent callers share the work. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.dirty.size === 0) return this.evict();
    this.flushing = this.write().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(): Promise<void> {
    const batch: { write: CursorWrite; member: Member }[] = [];
    for (const chatId of this.dirty) {
      const entry = this.entries.get(chatId);
      if (!entry) continue;
      for (const member of entry.members) {
        for (const kind of ['ack', 'read'] as const) {
          const seq = member[kind];
          const fromSeq = stored(member, kind);
          if (seq <= fromSeq) continue;
          const purge = kind === 'ack' && othersWroteAfter(entry, member.userId, fromSeq);
          const write = { kind, chatId, userId: member.userId, seq, fromSeq, purge };
          batch.push({ write, member });
        }
      }
    }
    this.dirty.clear();
    // In slices, so that sends queued meanwhile commit between them instead of waiting for all.
    for (let start = 0; start < batch.length; start += WRITE_SLICE) {
      const slice = batch.slice(start, start + WRITE_SLICE);
      const writes = slice.map((b) => b.write);
      const done = await this.storage.persist(writes).catch(() => writes.map(() => false));
      for (const [i, { write, member }] of slice.entries()) {
        if (done[i]) setStored(member, write.kind, write.seq);
        // Failed, or moved again meanwhile: it stays for the next flush.
        if (member[write.kind] > stored(member, write.kind)) this.dirty.add(write.chatId);
      }
    }
    this.evict();
  }

  private evict(): void {
    const before = performance.now() - IDLE_MS;
    const crowded = this.entries.size > MAX_ENTRIES;
    for (const [chatId, entry] of this.entries) {
      if (!this.dirty.has(chatId) && (crowded || entry.touchedAt < before)) {
        this.entries.delete(chatId);
      }
    }
  }

  private load(chatId: string): Promise<Entry | undefined> {
    let pending = this.loading.get(chatId);
    if (!pending) {
      pending = this.storage
        .load(chatId)
        .then((state) => {
          if (state) return this.merge(chatId, state);
          this.forget(chatId);
          return undefined;
        })
        .finally(() => this.loading.delete(chatId));
      this.loading.set(chatId, pending);
    }
    return pending;
  }

  /** Folds what storage holds into the cache; moves made here and not yet stored are kept. */
  private merge(chatId: string, state: CursorState): Entry {
    const cached = this.entries.get(chatId);
    const members = state.members.map((m): Member => {
      const mine = cached?.members.find((c) => c.userId === m.userId);
      return {
        userId: m.userId,
        ack: Math.max(m.ackedSeq, mine?.ack ?? 0),
        read: Math.max(m.readSeq, mine?.read ?? 0),
        storedAck: Math.max(m.ackedSeq, mine?.storedAck ?? 0),
        storedRead: Math.max(m.readSeq, mine?.storedRead ?? 0),
      };
    });
    const lastSeq = Math.max(state.lastSeq, cached?.lastSeq ?? 0);
    const entry: Entry = {
      lastSeq,
      authors: cached?.authors ?? new Map(),
      // Storage does not say who wrote what: authors are known only from here on.
      authorsFrom: cached && cached.lastSeq >= state.lastSeq ? cached.authorsFrom : lastSeq,
      lastActivityAt: Math.max(state.lastActivityAt, cached?.lastActivityAt ?? 0),
      members,
      memberIds: members.map((m) => m.userId),
      touchedAt: performance.now(),
    };
    this.entries.set(chatId, entry);
    return entry;
  }
}

/** Whether someone other than `userId` may have written a message after `seq` (unknown: yes). */
function othersWroteAfter(entry: Entry, userId: string, seq: number): boolean {
  return (
    seq < entry.authorsFrom ||
    entry.members.some((m) => m.userId !== userId && (entry.authors.get(m.userId) ?? 0) > seq)
  );
}

const stored = (member: Member, kind: CursorKind) =>
  kind === 'ack' ? member.storedAck : member.storedRead;

function setStored(member: Member, kind: CursorKind, seq: number): void {
  if (kind === 'ack') member.storedAck = Math.max(member.storedAck, seq);
  else member.storedRead = Math.max(member.storedRead, seq);
}
