// Node-only: a ClientStore kept in one JSON file (the CLI's and bots' store).
import * as v from 'valibot';
import { JsonFile } from './json-file.node.js';
import type { ClientStore, OutboxEntry, OwnCopy } from './store.js';
import { emptySnapshot, MAX_OWN_COPIES, StoreSnapshot } from './store.js';

/**
 * A ClientStore in one JSON file, mode 0600 (see JsonFile: every change re-reads and atomically
 * replaces it under a lock, so several processes may share it). Fine for the small state of a CLI
 * or bot; a busy client would batch writes.
 */
export class FileStore implements ClientStore {
  readonly #file: JsonFile<StoreSnapshot>;

  constructor(path: string) {
    this.#file = new JsonFile(
      path,
      'store file',
      (json) => {
        const result = v.safeParse(StoreSnapshot, json);
        return result.success ? result.output : undefined;
      },
      emptySnapshot,
    );
  }

  get path(): string {
    return this.#file.path;
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
    return (await this.#file.read()).outbox;
  }

  async listCursors(): Promise<Map<string, number>> {
    const snapshot = await this.#file.read();
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

  async putOwnCopy(copy: OwnCopy): Promise<void> {
    await this.#update((snapshot) => {
      const others = snapshot.ownCopies.filter((c) => c.clientMessageId !== copy.clientMessageId);
      snapshot.ownCopies = [...others, { ...copy }].slice(-MAX_OWN_COPIES);
      return true;
    });
  }

  async takeOwnCopy(clientMessageId: string): Promise<OwnCopy | undefined> {
    let taken: OwnCopy | undefined;
    await this.#update((snapshot) => {
      taken = snapshot.ownCopies.find((c) => c.clientMessageId === clientMessageId);
      if (!taken) return false;
      snapshot.ownCopies = snapshot.ownCopies.filter((c) => c !== taken);
      return true;
    });
    return taken;
  }

  async putPeerName(chatId: string, name: string): Promise<void> {
    await this.#update((snapshot) => {
      if (snapshot.peerNames[chatId] === name) return false;
      snapshot.peerNames[chatId] = name;
      return true;
    });
  }

  async peerNames(): Promise<Map<string, string>> {
    return new Map(Object.entries((await this.#file.read()).peerNames));
  }

  async deleteChat(chatId: string): Promise<void> {
    await this.#update((snapshot) => {
      const had =
        chatId in snapshot.cursors ||
        chatId in snapshot.peerNames ||
        snapshot.outbox.some((e) => e.chatId === chatId) ||
        snapshot.ownCopies.some((c) => c.chatId === chatId);
      snapshot.cursors = Object.fromEntries(
        Object.entries(snapshot.cursors).filter(([id]) => id !== chatId),
      );
      snapshot.outbox = snapshot.outbox.filter((e) => e.chatId !== chatId);
      snapshot.ownCopies = snapshot.ownCopies.filter((c) => c.chatId !== chatId);
      snapshot.peerNames = Object.fromEntries(
        Object.entries(snapshot.peerNames).filter(([id]) => id !== chatId),
      );
      return had;
    });
  }

  async close(): Promise<void> {
    await this.#file.settled();
  }

  #update(mutate: (snapshot: StoreSnapshot) => boolean): Promise<void> {
    return this.#file.update(mutate);
  }
}
