import type { ClientStore, OutboxEntry, OwnCopy } from './store.js';
import { MAX_OWN_COPIES } from './store.js';

/** A store that forgets everything when the process ends: for tests and throwaway sessions. */
export class MemoryStore implements ClientStore {
  #outbox: OutboxEntry[] = [];
  readonly #cursors = new Map<string, number>();
  readonly #ownCopies = new Map<string, OwnCopy>();
  readonly #peerNames = new Map<string, string>();

  addOutboxEntry(entry: OutboxEntry): Promise<void> {
    if (!this.#outbox.some((e) => e.clientMessageId === entry.clientMessageId)) {
      this.#outbox.push({ ...entry });
    }
    return Promise.resolve();
  }

  removeOutboxEntry(clientMessageId: string): Promise<void> {
    this.#outbox = this.#outbox.filter((entry) => entry.clientMessageId !== clientMessageId);
    return Promise.resolve();
  }

  listOutbox(): Promise<OutboxEntry[]> {
    return Promise.resolve(this.#outbox.map((entry) => ({ ...entry })));
  }

  listCursors(): Promise<Map<string, number>> {
    return Promise.resolve(new Map(this.#cursors));
  }

  saveCursors(cursors: ReadonlyMap<string, number>): Promise<void> {
    for (const [chatId, seq] of cursors) {
      if (seq > (this.#cursors.get(chatId) ?? 0)) this.#cursors.set(chatId, seq);
    }
    return Promise.resolve();
  }

  putOwnCopy(copy: OwnCopy): Promise<void> {
    this.#ownCopies.set(copy.clientMessageId, { ...copy });
    // Insertion order is age order: drop the oldest beyond the cap.
    for (const id of this.#ownCopies.keys()) {
      if (this.#ownCopies.size <= MAX_OWN_COPIES) break;
      this.#ownCopies.delete(id);
    }
    return Promise.resolve();
  }

  takeOwnCopy(clientMessageId: string): Promise<OwnCopy | undefined> {
    const copy = this.#ownCopies.get(clientMessageId);
    this.#ownCopies.delete(clientMessageId);
    return Promise.resolve(copy);
  }

  putPeerName(chatId: string, name: string): Promise<void> {
    this.#peerNames.set(chatId, name);
    return Promise.resolve();
  }

  peerNames(): Promise<Map<string, string>> {
    return Promise.resolve(new Map(this.#peerNames));
  }

  deleteChat(chatId: string): Promise<void> {
    this.#cursors.delete(chatId);
    this.#peerNames.delete(chatId);
    for (const [id, copy] of this.#ownCopies)
      if (copy.chatId === chatId) this.#ownCopies.delete(id);
    this.#outbox = this.#outbox.filter((entry) => entry.chatId !== chatId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
