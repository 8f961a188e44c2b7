import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.node.js';
import { FileStore } from './file-store.node.js';
import { MemoryStore } from './memory-store.js';
import type { OutboxEntry } from './store.js';

const chatA = 'AAAAAAAAAAAAAAAAAAAAAA';
const chatB = 'BBBBBBBBBBBBBBBBBBBBBB';

function entry(n: number, chatId = chatA): OutboxEntry {
  return { chatId, clientMessageId: `message-${n}`, ciphertext: `payload${n}`, createdAt: n };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'knock-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileStore', () => {
  it('keeps the outbox in order and the cursors across instances', async () => {
    const path = join(dir, 'nested', 'store.json');
    const store = new FileStore(path);
    await Promise.all([1, 2, 3].map((n) => store.addOutboxEntry(entry(n))));
    await store.removeOutboxEntry('message-2');
    await store.saveCursors(new Map([[chatA, 4]]));
    await store.saveCursors(
      new Map([
        [chatA, 2],
        [chatB, 1],
      ]),
    );
    await store.close();

    const reopened = new FileStore(path);
    expect(await reopened.listOutbox()).toEqual([entry(1), entry(3)]);
    expect(await reopened.listCursors()).toEqual(
      new Map([
        [chatA, 4],
        [chatB, 1],
      ]),
    );
    await reopened.deleteChat(chatA);
    expect(await reopened.listOutbox()).toEqual([]);
    expect(await reopened.listCursors()).toEqual(new Map([[chatB, 1]]));
  });

  it('keeps the names of guest chats across instances and forgets them with the chat', async () => {
    for (const make of [() => new MemoryStore(), () => new FileStore(join(dir, 'names.json'))]) {
      const store = make();
      await store.putPeerName(chatA, 'Sam Doe');
      await store.putPeerName(chatB, 'Ana’s Bakery');
      const reopened = store instanceof FileStore ? new FileStore(store.path) : store;
      expect(await reopened.peerNames()).toEqual(
        new Map([
          [chatA, 'Sam Doe'],
          [chatB, 'Ana’s Bakery'],
        ]),
      );
      await reopened.deleteChat(chatA);
      expect(await reopened.peerNames()).toEqual(new Map([[chatB, 'Ana’s Bakery']]));
    }
  });

  it('creates the file 0600 in a 0700 directory and leaves no temporary or lock files', async () => {
    const path = join(dir, 'state', 'store.json');
    const store = new FileStore(path);
    await store.addOutboxEntry(entry(1));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'state'))).toEqual(['store.json']);
  });

  it('is safe for two instances (two processes) writing the same file', async () => {
    const path = join(dir, 'store.json');
    const one = new FileStore(path);
    const two = new FileStore(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? one : two).addOutboxEntry(entry(n))),
    );
    expect((await one.listOutbox()).map((e) => e.clientMessageId).sort()).toHaveLength(20);
  });

  it('refuses a corrupt file rather than silently starting empty', async () => {
    const path = join(dir, 'store.json');
    await writeFile(path, '{"version":1,"outbox":[{"chatId":');
    await expect(new FileStore(path).listOutbox()).rejects.toThrow(/not valid JSON/);
    await writeFile(path, JSON.stringify({ version: 1, outbox: [{ chatId: 'x' }], cursors: {} }));
    await expect(new FileStore(path).listOutbox()).rejects.toThrow(/unexpected shape/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file and never exposes a partial write under the target name', async () => {
    const path = join(dir, 'file.json');
    await writeFileAtomic(path, 'old');
    const big = 'x'.repeat(4 * 1024 * 1024);
    const seen = new Set<string>();
    const writing = writeFileAtomic(path, big);
    // Read while the write is in progress: only complete versions may ever be observed.
    for (let i = 0; i < 20; i++) seen.add(await readFile(path, 'utf8'));
    await writing;
    seen.add(await readFile(path, 'utf8'));
    for (const content of seen) expect(content === 'old' || content === big).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(big);
    expect(await readdir(dir)).toEqual(['file.json']);
  });

  it('leaves the old content when the temporary file cannot be written', async () => {
    const path = join(dir, 'file.json');
    await writeFileAtomic(path, 'old');
    await expect(writeFileAtomic(join(dir, 'missing', 'file.json'), 'new')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('sets the requested mode even on an existing file', async () => {
    const path = join(dir, 'file.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, 'new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
