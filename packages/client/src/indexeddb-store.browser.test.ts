/**
 * Runs in Chromium only (the `chromium` test project): the ClientStore a browser app keeps in
 * IndexedDB, re-opened as a reload would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IndexedDbStore } from './indexeddb-store.browser.js';
import type { OutboxEntry, OwnCopy } from './store.js';
import { MAX_OWN_COPIES } from './store.js';

const chatA = 'AAAAAAAAAAAAAAAAAAAAAA';
const chatB = 'BBBBBBBBBBBBBBBBBBBBBB';

const entry = (n: number, chatId = chatA): OutboxEntry => ({
  chatId,
  clientMessageId: `message-${n}`,
  ciphertext: `payload${n}`,
  createdAt: n,
});
const copy = (n: number, chatId = chatA): OwnCopy => ({
  chatId,
  clientMessageId: `message-${n}`,
  content: `content${n}`,
  createdAt: n,
});

let count = 0;
const names: string[] = [];
const databaseName = () => {
  const name = `knock-store-test-${Date.now()}-${++count}`;
  names.push(name);
  return name;
};
const open: IndexedDbStore[] = [];
async function store(name: string): Promise<IndexedDbStore> {
  const opened = await IndexedDbStore.open(name);
  open.push(opened);
  return opened;
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const name of names.splice(0)) await IndexedDbStore.delete(name);
});

describe('IndexedDbStore', () => {
  it('keeps the outbox in order, without duplicates, across a reload', async () => {
    const name = databaseName();
    const first = await store(name);
    for (const n of [1, 2, 3, 2]) await first.addOutboxEntry(entry(n));
    await first.removeOutboxEntry('message-2');
    await first.removeOutboxEntry('message-9');
    await first.close();
    const reloaded = await store(name);
    expect(await reloaded.listOutbox()).toEqual([entry(1), entry(3)]);
  });

  it('only raises cursors', async () => {
    const s = await store(databaseName());
    await s.saveCursors(new Map([[chatA, 4]]));
    await s.saveCursors(
      new Map([
        [chatA, 2],
        [chatB, 1],
      ]),
    );
    expect(await s.listCursors()).toEqual(
      new Map([
        [chatA, 4],
        [chatB, 1],
      ]),
    );
  });

  it('hands an own copy out once, and keeps only the newest', async () => {
    const s = await store(databaseName());
    await s.putOwnCopy(copy(1));
    await s.putOwnCopy({ ...copy(1), content: 'replaced' });
    expect(await s.takeOwnCopy('message-1')).toEqual({ ...copy(1), content: 'replaced' });
    expect(await s.takeOwnCopy('message-1')).toBeUndefined();
    await Promise.all(
      Array.from({ length: MAX_OWN_COPIES + 2 }, (_, i) => s.putOwnCopy(copy(i + 10))),
    );
    expect(await s.takeOwnCopy('message-10')).toBeUndefined();
    expect(await s.takeOwnCopy('message-11')).toBeUndefined();
    expect(await s.takeOwnCopy('message-12')).toEqual(copy(12));
  });

  it('forgets everything of a chat, and only of that chat', async () => {
    const s = await store(databaseName());
    await s.addOutboxEntry(entry(1, chatA));
    await s.addOutboxEntry(entry(2, chatB));
    await s.putOwnCopy(copy(3, chatA));
    await s.putOwnCopy(copy(4, chatB));
    await s.saveCursors(
      new Map([
        [chatA, 5],
        [chatB, 6],
      ]),
    );
    await s.putPeerName(chatA, 'Sam Doe');
    await s.putPeerName(chatB, 'Ana’s Bakery');
    await s.deleteChat(chatA);
    expect(await s.listOutbox()).toEqual([entry(2, chatB)]);
    expect(await s.takeOwnCopy('message-3')).toBeUndefined();
    expect(await s.takeOwnCopy('message-4')).toEqual(copy(4, chatB));
    expect(await s.listCursors()).toEqual(new Map([[chatB, 6]]));
    expect(await s.peerNames()).toEqual(new Map([[chatB, 'Ana’s Bakery']]));
  });
});
