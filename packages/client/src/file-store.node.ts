// Node-only: a ClientStore kept in one JSON file (the CLI's and bots' store).
import * as v from 'valibot';
import { readFileIfExists, ensurePrivateDirectory, writeFileAtomic } from './atomic-file.node.js';
import { withFileLock } from './file-lock.node.js';
import { dirname } from 'node:path';
import type { ClientStore, OutboxEntry } from './store.js';
import { emptySnapshot, StoreSnapshot } from './store.js';

/**
 * A ClientStore in one JSON file, mode 0600. Every operation re-reads the file and replaces it
 * atomically (temporary file, fsync, rename) under a lock file, so several processes may share it
 * and a crash leaves either the old or the new state. Fine for the small state of a CLI or bot; a
 * busy client would batch writes.
 */
export class FileStore implements ClientStore {
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  async addOutboxEntry(entry: OutboxEntry): Promise<void> {
    await this.#update((snapshot) => {
      if (snapshot.outbox.some((e) => e.clientMessageId === entry.clientMessageId)) return false;
      snapshot.outbox.push({ ...entry });
      return true;
    });
  }

  async removeOutboxEntry(clientMessageId: string): Promise<void> {
    await this.#update((snapshot) => {
      const before = snapshot.outbox.length;
      snapshot.outbox = snapshot.outbox.filter((e) => e.clientMessageId !== clientMessageId);
      return snapshot.outbox.length !== before;
    });
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return (await this.#serial(() => this.#read())).outbox;
  }

  async listCursors(): Promise<Map<string, number>> {
    const snapshot = await this.#serial(() => this.#read());
    return new Map(Object.entries(snapshot.cursors));
  }

  async saveCursors(cursors: ReadonlyMap<string, number>): Promise<void> {
    await this.#update((snapshot) => {
      let changed = false;
      for (const [chatId, seq] of cursors) {
        if (seq > (snapshot.cursors[chatId] ?? 0)) {
          snapshot.cursors[chatId] = seq;
          changed = true;
        }
      }
      return changed;
    });
  }

  async deleteChat(chatId: string): Promise<void> {
    await this.#update((snapshot) => {
      const had = chatId in snapshot.cursors || snapshot.outbox.some((e) => e.chatId === chatId);
      snapshot.cursors = Object.fromEntries(
        Object.entries(snapshot.cursors).filter(([id]) => id !== chatId),
      );
      snapshot.outbox = snapshot.outbox.filter((e) => e.chatId !== chatId);
      return had;
    });
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  /** Applies `mutate` to a fresh read of the file and writes it back when it reports a change. */
  #update(mutate: (snapshot: StoreSnapshot) => boolean): Promise<void> {
    return this.#serial(async () => {
      await ensurePrivateDirectory(dirname(this.path));
      await withFileLock(this.path, async () => {
        const snapshot = await this.#read();
        if (mutate(snapshot)) await writeFileAtomic(this.path, JSON.stringify(snapshot), 0o600);
      });
    });
  }

  async #read(): Promise<StoreSnapshot> {
    const text = await readFileIfExists(this.path);
    if (text === undefined) return emptySnapshot();
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      throw new Error(`The store file ${this.path} is not valid JSON.`);
    }
    const result = v.safeParse(StoreSnapshot, json);
    if (!result.success) throw new Error(`The store file ${this.path} has an unexpected shape.`);
    return result.output;
  }

  /** Runs operations of this instance one after another, in call order. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
