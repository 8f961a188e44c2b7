// Browser-only: a ClientStore in IndexedDB (the outbox, cursors, own copies and guest-chat names).
import { deleteDatabase, OpenDatabase, openDatabase } from './idb.browser.js';
import type { ClientStore, OutboxEntry, OwnCopy } from './store.js';
import { MAX_OWN_COPIES } from './store.js';

const VERSION = 1;
/**
 * Object stores: the outbox and own copies in insertion order (auto-incremented keys) with an
 * index on the client message id and one on the chat; cursors and peer names under the chat id.
 */
const OUTBOX = 'outbox';
const OWN_COPIES = 'ownCopies';
const CURSORS = 'cursors';
const PEER_NAMES = 'peerNames';
const BY_ID = 'byClientMessageId';
const BY_CHAT = 'byChat';

/**
 * A ClientStore in one IndexedDB database per account or guest chat; the caller names it
 * (`knock-store-<userId>`, `knock-guest-<chatId>`). Every call is one transaction and resolves
 * once it committed (durability 'strict'), so an outbox entry survives a reload or a crash the
 * moment `addOutboxEntry` resolves. Tabs sharing the database see each other's writes.
 */
export class IndexedDbStore implements ClientStore {
  readonly name: string;
  readonly #db: OpenDatabase;

  private constructor(name: string, db: IDBDatabase) {
    this.name = name;
    this.#db = new OpenDatabase(db, `The store ${name}`);
  }

  static async open(name: string): Promise<IndexedDbStore> {
    const db = await openDatabase(name, VERSION, (db, oldVersion) => {
      if (oldVersion >= 1) return;
      for (const name of [OUTBOX, OWN_COPIES]) {
        const store = db.createObjectStore(name, { autoIncrement: true });
        store.createIndex(BY_ID, 'clientMessageId', { unique: true });
        store.createIndex(BY_CHAT, 'chatId');
      }
      db.createObjectStore(CURSORS);
      db.createObjectStore(PEER_NAMES);
    });
    return new IndexedDbStore(name, db);
  }

  /** Deletes a store's database (signing out, a guest chat ended). */
  static delete(name: string): Promise<void> {
    return deleteDatabase(name);
  }

  addOutboxEntry(entry: OutboxEntry): Promise<void> {
    return this.#write([OUTBOX], (tx) => {
      const outbox = tx.objectStore(OUTBOX);
      const seen = outbox.index(BY_ID).count(entry.clientMessageId);
      seen.onsuccess = () => {
        if (seen.result === 0) outbox.add({ ...entry });
      };
      return seen;
    });
  }

  removeOutboxEntry(clientMessageId: string): Promise<void> {
    return this.#write([OUTBOX], (tx) => deleteById(tx.objectStore(OUTBOX), clientMessageId));
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    const all = await this.#read(OUTBOX, (store) => store.getAll());
    return all as OutboxEntry[];
  }

  async listCursors(): Promise<Map<string, number>> {
    return this.#entries<number>(CURSORS);
  }

  saveCursors(cursors: ReadonlyMap<string, number>): Promise<void> {
    return this.#write([CURSORS], (tx) => {
      const store = tx.objectStore(CURSORS);
      let last: IDBRequest = store.count();
      for (const [chatId, seq] of cursors) {
        const current = store.get(chatId);
        current.onsuccess = () => {
          if (typeof current.result !== 'number' || seq > current.result) store.put(seq, chatId);
        };
        last = current;
      }
      return last;
    });
  }

  putOwnCopy(copy: OwnCopy): Promise<void> {
    return this.#write([OWN_COPIES], (tx) => {
      const store = tx.objectStore(OWN_COPIES);
      return deleteById(store, copy.clientMessageId, () => {
        store.add({ ...copy }).onsuccess = () => trimOldest(store, MAX_OWN_COPIES);
      });
    });
  }

  async takeOwnCopy(clientMessageId: string): Promise<OwnCopy | undefined> {
    let copy: OwnCopy | undefined;
    await this.#write([OWN_COPIES], (tx) => {
      const store = tx.objectStore(OWN_COPIES);
      const found = store.index(BY_ID).get(clientMessageId);
      found.onsuccess = () => {
        copy = found.result as OwnCopy | undefined;
        if (copy) deleteById(store, clientMessageId);
      };
      return found;
    });
    return copy;
  }

  putPeerName(chatId: string, name: string): Promise<void> {
    return this.#write([PEER_NAMES], (tx) => tx.objectStore(PEER_NAMES).put(name, chatId));
  }

  async peerNames(): Promise<Map<string, string>> {
    return this.#entries<string>(PEER_NAMES);
  }

  deleteChat(chatId: string): Promise<void> {
    return this.#write([OUTBOX, OWN_COPIES, CURSORS, PEER_NAMES], (tx) => {
      for (const name of [OUTBOX, OWN_COPIES]) {
        const keys = tx.objectStore(name).index(BY_CHAT).getAllKeys(chatId);
        keys.onsuccess = () => {
          for (const key of keys.result) tx.objectStore(name).delete(key);
        };
      }
      tx.objectStore(CURSORS).delete(chatId);
      return tx.objectStore(PEER_NAMES).delete(chatId);
    });
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  async #entries<T>(storeName: string): Promise<Map<string, T>> {
    const [keys, values] = await Promise.all([
      this.#db.read(storeName, (store) => store.getAllKeys()),
      this.#db.read(storeName, (store) => store.getAll()),
    ]);
    return new Map(keys.map((key, i) => [String(key), values[i] as T]));
  }

  #read<T>(storeName: string, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return this.#db.read(storeName, body);
  }

  #write(stores: string[], body: (tx: IDBTransaction) => IDBRequest): Promise<void> {
    return this.#db.write(stores, body);
  }
}

/**
 * Deletes the record with this client message id, if any, then runs `then` in the same
 * transaction; returns the request that looked it up.
 */
function deleteById(store: IDBObjectStore, clientMessageId: string, then?: () => void): IDBRequest {
  const key = store.index(BY_ID).getKey(clientMessageId);
  key.onsuccess = () => {
    if (key.result === undefined) return then?.();
    store.delete(key.result).onsuccess = () => then?.();
  };
  return key;
}

/** Keeps the newest `max` records of an auto-incremented store. */
function trimOldest(store: IDBObjectStore, max: number): void {
  const count = store.count();
  count.onsuccess = () => {
    let excess = count.result - max;
    if (excess <= 0) return;
    const cursor = store.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at || excess <= 0) return;
      at.delete();
      excess -= 1;
      at.continue();
    };
  };
}
