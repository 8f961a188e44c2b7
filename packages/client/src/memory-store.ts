import type { ClientStore, OutboxEntry } from './store.js';

/** A store that forgets everything when the process ends: for tests and throwaway sessions. */
export class MemoryStore implements ClientStore {
  #outbox: OutboxEntry[] = [];
  readonly #cursors = new Map<string, number>();

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

  deleteChat(chatId: string): Promise<void> {
    this.#cursors.delete(chatId);
    this.#outbox = this.#outbox.filter((entry) => entry.chatId !== chatId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
