// Browser-only: promises over IndexedDB's requests and transactions.

function factory(): IDBFactory {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available here.');
  return indexedDB;
}

/**
 * Opens `name` at `version`, running `upgrade` first when the database is older. Fails instead of
 * waiting when another connection at an older version will not close (`blocked`); a connection
 * that opens after that is closed at once.
 */
export function openDatabase(
  name: string,
  version: number,
  upgrade: (db: IDBDatabase, oldVersion: number) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let blocked = false;
    const request = factory().open(name, version);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onblocked = () => {
      blocked = true;
      reject(
        new Error(
          `The database ${name} is held open at an older version, probably by another tab: ` +
            'close or reload it.',
        ),
      );
    };
    request.onsuccess = () => {
      if (blocked) request.result.close();
      else resolve(request.result);
    };
    request.onerror = () => reject(request.error ?? new Error(`Could not open ${name}.`));
  });
}

/** Deletes `name` once every connection to it has closed. */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory().deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`Could not delete ${name}.`));
  });
}

/**
 * Runs `body` in one transaction and resolves with the result of the request it returns once the
 * transaction has committed, with 'strict' durability where the browser supports it (flushed to
 * disk). If any request fails, or `body` throws, nothing in the transaction is kept.
 */
export function transact<T>(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => IDBRequest<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode, { durability: 'strict' });
    let request: IDBRequest<T>;
    try {
      request = body(tx);
    } catch (error) {
      // A put that cannot clone its value throws here, after earlier puts were queued.
      tx.abort();
      throw error;
    }
    tx.oncomplete = () => resolve(request.result);
    tx.onabort = () => reject(tx.error ?? new Error('The IndexedDB transaction was aborted.'));
  });
}

/**
 * An open database that knows when it stopped being usable (another tab upgraded or deleted it,
 * the browser closed it, or `close`): every later call fails with the reason instead of hanging.
 */
export class OpenDatabase {
  readonly #db: IDBDatabase;
  readonly #what: string;
  #closed: string | undefined;

  /** `what` names it in errors, e.g. "the key store knock-keys-…". */
  constructor(db: IDBDatabase, what: string) {
    this.#db = db;
    this.#what = what;
    db.onversionchange = () => {
      db.close();
      this.#closed ??= 'another tab upgraded or deleted the database';
    };
    db.onclose = () => {
      this.#closed ??= 'the browser closed the database';
    };
  }

  /** One read-only transaction over one object store. */
  read<T>(store: string, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return transact(this.#open(), [store], 'readonly', (tx) => body(tx.objectStore(store)));
  }

  /** One read-write transaction, resolved once committed. */
  async write(stores: string[], body: (tx: IDBTransaction) => IDBRequest): Promise<void> {
    await transact(this.#open(), stores, 'readwrite', body);
  }

  close(): void {
    this.#closed ??= 'close() was called';
    this.#db.close();
  }

  #open(): IDBDatabase {
    if (this.#closed) throw new Error(`${this.#what} is closed: ${this.#closed}.`);
    return this.#db;
  }
}
