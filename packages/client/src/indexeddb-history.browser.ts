// Browser-only: the messages a browser app shows, kept in IndexedDB across reloads.
import * as v from 'valibot';
import {
  compareEntries,
  HistoryEntry,
  mergeEntry,
  type HistoryPatch,
  type MessageHistory,
} from './history.js';
import { deleteDatabase, OpenDatabase, openDatabase } from './idb.browser.js';

const VERSION = 1;
/** One object store keyed by [chatId, clientMessageId], so a chat is one key range. */
const MESSAGES = 'messages';

/**
 * A MessageHistory in its own IndexedDB database (`knock-history-<userId>`, one per guest chat).
 * Every record read back is checked against the schema: another tab, an extension or a broken
 * disk may have written anything.
 */
export class IndexedDbHistory implements MessageHistory {
  readonly #db: OpenDatabase;

  private constructor(name: string, db: IDBDatabase) {
    this.#db = new OpenDatabase(db, `The history ${name}`);
  }

  static async open(name: string): Promise<IndexedDbHistory> {
    const db = await openDatabase(name, VERSION, (db, oldVersion) => {
      if (oldVersion < 1)
        db.createObjectStore(MESSAGES, { keyPath: ['chatId', 'clientMessageId'] });
    });
    return new IndexedDbHistory(name, db);
  }

  static delete(name: string): Promise<void> {
    return deleteDatabase(name);
  }

  put(entry: HistoryEntry): Promise<void> {
    return this.#db.write([MESSAGES], (tx) => {
      const store = tx.objectStore(MESSAGES);
      const old = store.get([entry.chatId, entry.clientMessageId]);
      old.onsuccess = () => {
        const parsed = v.safeParse(HistoryEntry, old.result);
        store.put(mergeEntry(parsed.success ? parsed.output : undefined, { ...entry }));
      };
      return old;
    });
  }

  async patch(
    chatId: string,
    clientMessageId: string,
    patch: HistoryPatch,
  ): Promise<HistoryEntry | undefined> {
    let result: HistoryEntry | undefined;
    await this.#db.write([MESSAGES], (tx) => {
      const store = tx.objectStore(MESSAGES);
      const old = store.get([chatId, clientMessageId]);
      old.onsuccess = () => {
        const parsed = v.safeParse(HistoryEntry, old.result);
        if (!parsed.success) return;
        result = mergeEntry(parsed.output, { ...parsed.output, ...patch });
        store.put(result);
      };
      return old;
    });
    return result;
  }

  async list(chatId: string): Promise<HistoryEntry[]> {
    const rows = await this.#db.read(MESSAGES, (store) => store.getAll(chatRange(chatId)));
    const entries: HistoryEntry[] = [];
    for (const row of rows) {
      const parsed = v.safeParse(HistoryEntry, row);
      if (parsed.success && parsed.output.chatId === chatId) entries.push(parsed.output);
    }
    return entries.sort(compareEntries);
  }

  deleteChat(chatId: string): Promise<void> {
    return this.#db.write([MESSAGES], (tx) => tx.objectStore(MESSAGES).delete(chatRange(chatId)));
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}

/** Every key [chatId, *]: arrays sort after strings, and [] after every [chatId, string]. */
function chatRange(chatId: string): IDBKeyRange {
  return IDBKeyRange.bound([chatId], [chatId, []]);
}
