import { describe, expect, it } from 'vitest';
import { CursorBook, type CursorState, type CursorWrite } from './cursor-book.js';

const CHAT = 'chat-1';
const LIVE = 0; // cutoff: any activity after it is live

/** Storage as plain maps, so the book's own logic is what is under test. */
class MapStorage {
  readonly chats = new Map<string, CursorState>();
  readonly written: CursorWrite[][] = [];
  loads = 0;
  failNext = false;

  load(chatId: string): Promise<CursorState | undefined> {
    this.loads++;
    return Promise.resolve(structuredClone(this.chats.get(chatId)));
  }

  persist(writes: readonly CursorWrite[]): Promise<boolean[]> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('disk full'));
    }
    this.written.push([...writes]);
    for (const w of writes) {
      const member = this.chats.get(w.chatId)?.members.find((m) => m.userId === w.userId);
      if (!member) continue;
      if (w.kind === 'ack') member.ackedSeq = Math.max(member.ackedSeq, w.seq);
      else member.readSeq = Math.max(member.readSeq, w.seq);
    }
    return Promise.resolve(writes.map(() => true));
  }
}

function setup(lastSeq = 10) {
  const storage = new MapStorage();
  storage.chats.set(CHAT, {
    lastSeq,
    lastActivityAt: 1000,
    members: [
      { userId: 'alice', ackedSeq: 2, readSeq: 1 },
      { userId: 'bob', ackedSeq: 0, readSeq: 0 },
    ],
  });
  const book = new CursorBook({
    load: (id) => storage.load(id),
    persist: (writes) => storage.persist(writes),
  });
  return { storage, book };
}

describe('CursorBook', () => {
  it('moves a cursor forward only, up to the last message, and says when it moved', async () => {
    const { book } = setup();
    expect(await book.mark('ack', CHAT, 'alice', 5, LIVE)).toEqual({
      ok: true,
      moved: true,
      news: true,
      memberIds: ['alice', 'bob'],
    });
    expect(await book.mark('ack', CHAT, 'alice', 5, LIVE)).toMatchObject({ moved: false });
    expect(await book.mark('ack', CHAT, 'alice', 4, LIVE)).toMatchObject({ moved: false });
    expect(await book.mark('ack', CHAT, 'alice', 11, LIVE)).toMatchObject({ moved: false });
    // What storage already holds counts as where the cursor is.
    expect(await book.mark('ack', CHAT, 'bob', 1, LIVE)).toMatchObject({ moved: true });
    expect(await book.mark('read', CHAT, 'alice', 1, LIVE)).toMatchObject({ moved: false });
  });

  it('refuses non-members, unknown chats and expired chats', async () => {
    const { book } = setup();
    expect(await book.mark('ack', CHAT, 'mallory', 1, LIVE)).toEqual({ ok: false });
    expect(await book.mark('ack', 'nope', 'alice', 1, LIVE)).toEqual({ ok: false });
    expect(await book.mark('ack', CHAT, 'alice', 3, 1000)).toEqual({ ok: false });
  });

  it('writes each moved cursor once, at its highest seq, on flush', async () => {
    const { book, storage } = setup();
    for (const seq of [3, 4, 5]) await book.mark('ack', CHAT, 'bob', seq, LIVE);
    await book.mark('read', CHAT, 'bob', 4, LIVE);
    expect(storage.written).toEqual([]);
    expect(book.pending).toBe(1);
    await book.flush();
    expect(storage.written).toEqual([
      [
        { kind: 'ack', chatId: CHAT, userId: 'bob', seq: 5, fromSeq: 0, purge: true },
        { kind: 'read', chatId: CHAT, userId: 'bob', seq: 4, fromSeq: 0, purge: false },
      ],
    ]);
    expect(book.pending).toBe(0);
    await book.flush();
    expect(storage.written).toHaveLength(1);
  });

  it('keeps moves whose write failed and writes them at the next flush', async () => {
    const { book, storage } = setup();
    await book.mark('ack', CHAT, 'bob', 3, LIVE);
    storage.failNext = true;
    await book.flush();
    expect(book.pending).toBe(1);
    await book.flush();
    expect(storage.written).toEqual([
      [{ kind: 'ack', chatId: CHAT, userId: 'bob', seq: 3, fromSeq: 0, purge: true }],
    ]);
  });

  it('writes a move made during a flush at the next one, and flushes do not overlap', async () => {
    const { book, storage } = setup();
    await book.mark('ack', CHAT, 'bob', 3, LIVE);
    const first = book.flush();
    await book.mark('ack', CHAT, 'bob', 7, LIVE);
    const second = book.flush();
    await Promise.all([first, second]);
    expect(storage.written.map((batch) => batch.map((w) => [w.fromSeq, w.seq]))).toEqual([
      [[0, 3]],
      [[3, 7]],
    ]);
  });

  it('asks storage again for a seq beyond what it has seen, and learns from noted messages', async () => {
    const { book, storage } = setup(10);
    await book.mark('ack', CHAT, 'bob', 1, LIVE);
    expect(storage.loads).toBe(1);
    // Another node stored messages 11 and 12.
    (storage.chats.get(CHAT) as CursorState).lastSeq = 12;
    expect(await book.mark('ack', CHAT, 'bob', 12, LIVE)).toMatchObject({ moved: true });
    expect(storage.loads).toBe(2);
    // A message committed here needs no second look.
    book.noteMessages(CHAT, 13, 2000);
    expect(await book.mark('ack', CHAT, 'bob', 13, LIVE)).toMatchObject({ moved: true });
    expect(await book.mark('ack', CHAT, 'bob', 13, 1500)).toMatchObject({ moved: false });
    expect(storage.loads).toBe(2);
  });

  it('keeps unwritten moves when storage is read again', async () => {
    const { book, storage } = setup(10);
    await book.mark('ack', CHAT, 'bob', 9, LIVE);
    (storage.chats.get(CHAT) as CursorState).lastSeq = 20;
    await book.mark('read', CHAT, 'bob', 15, LIVE); // reloads the chat
    await book.flush();
    expect(storage.written[0]).toEqual([
      { kind: 'ack', chatId: CHAT, userId: 'bob', seq: 9, fromSeq: 0, purge: true },
      { kind: 'read', chatId: CHAT, userId: 'bob', seq: 15, fromSeq: 0, purge: false },
    ]);
  });

  it('announces a move only when it passes a message someone else wrote', async () => {
    const { book } = setup(10);
    await book.mark('ack', CHAT, 'bob', 10, LIVE); // loads; who wrote 1…10 is unknown
    book.noteMessages(CHAT, 11, 2000, 'bob');
    book.noteMessages(CHAT, 12, 2000, 'bob');
    book.noteMessages(CHAT, 12, 2000); // the same message again, from the bus: no news
    // Bob's own messages: stored, not announced.
    expect(await book.mark('ack', CHAT, 'bob', 12, LIVE)).toMatchObject({
      moved: true,
      news: false,
    });
    // Alice passes Bob's messages: he wants to know.
    expect(await book.mark('read', CHAT, 'alice', 11, LIVE)).toMatchObject({ news: true });
    book.noteMessages(CHAT, 13, 2000, 'alice');
    expect(await book.mark('read', CHAT, 'alice', 13, LIVE)).toMatchObject({ news: true });
    expect(await book.mark('ack', CHAT, 'bob', 13, LIVE)).toMatchObject({ news: true });
    // A message from another node, author unknown: announced to be safe.
    book.noteMessages(CHAT, 14);
    expect(await book.mark('ack', CHAT, 'bob', 14, LIVE)).toMatchObject({ news: true });
    book.noteMessages(CHAT, 15, 2000, 'bob');
    expect(await book.mark('ack', CHAT, 'bob', 15, LIVE)).toMatchObject({ news: false });
  });

  it('asks for a purge only where someone else may have written', async () => {
    const { book, storage } = setup(10);
    await book.mark('ack', CHAT, 'bob', 10, LIVE); // who wrote 1…10 is unknown
    await book.flush();
    book.noteMessages(CHAT, 11, 2000, 'bob');
    book.noteMessages(CHAT, 12, 2000, 'bob');
    await book.mark('ack', CHAT, 'bob', 12, LIVE); // his own messages: nothing to delete
    await book.mark('ack', CHAT, 'alice', 12, LIVE); // Bob's: their payloads go
    await book.flush();
    expect(storage.written.map((b) => b.map((w) => [w.userId, w.fromSeq, w.seq, w.purge]))).toEqual(
      [
        [['bob', 0, 10, true]],
        [
          ['alice', 2, 12, true],
          ['bob', 10, 12, false],
        ],
      ],
    );
  });

  it('forgets a closed chat: nothing of it is written', async () => {
    const { book, storage } = setup();
    await book.mark('ack', CHAT, 'bob', 3, LIVE);
    book.forget(CHAT);
    await book.flush();
    expect(storage.written).toEqual([]);
  });
});
