// Browser-only: a KeyStore in IndexedDB, made exclusive across tabs with Web Locks.
import type { DeviceKeys } from '@knock/crypto/device-keys';
import type { SessionState } from '@knock/crypto/session-state';
import { deleteDatabase, OpenDatabase, openDatabase } from './idb.browser.js';
import type { InviteRecord, KeyStore, PeerPin } from './key-store.js';

const VERSION = 2;
/**
 * Object stores: the device keys under DEVICE_KEY; sessions and pins under the peer's id; guest
 * links this device made under their invite id (added in version 2).
 */
const DEVICE = 'device';
const SESSIONS = 'sessions';
const PINS = 'pins';
const INVITES = 'invites';
const DEVICE_KEY = 'device';

/**
 * A KeyStore in one IndexedDB database per account; the caller names it (`knock-keys-<userId>`).
 * Keys and sessions are stored as they are, by structured clone, so WebCrypto private keys stay
 * non-extractable `CryptoKey`s whose bytes no script can read. Each call is one transaction and
 * resolves once it has committed. `exclusive` holds the Web Lock `knock-keys:<name>`, shared by
 * every tab and worker of the origin; where Web Locks are missing the store refuses to open.
 * The connection closes when another tab upgrades or deletes the database; calls then fail.
 */
export class IndexedDbKeyStore implements KeyStore {
  readonly name: string;
  readonly #db: OpenDatabase;
  readonly #locks: LockManager;

  private constructor(name: string, db: IDBDatabase, locks: LockManager) {
    this.name = name;
    this.#db = new OpenDatabase(db, `The key store ${name}`);
    this.#locks = locks;
  }

  static async open(name: string): Promise<IndexedDbKeyStore> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) {
      throw new Error(
        'Web Locks (navigator.locks, secure contexts only) are not available: without them two ' +
          'tabs could advance the same session, so the key store does not open.',
      );
    }
    const db = await openDatabase(name, VERSION, (db, oldVersion) => {
      if (oldVersion < 1) {
        db.createObjectStore(DEVICE);
        db.createObjectStore(SESSIONS);
        db.createObjectStore(PINS);
      }
      if (oldVersion < 2) db.createObjectStore(INVITES);
    });
    return new IndexedDbKeyStore(name, db, locks);
  }

  /** Deletes a store's database (signing out); open stores on it close first. */
  static delete(name: string): Promise<void> {
    return deleteDatabase(name);
  }

  /** Holds the Web Lock `knock-keys:<name>` while `task` runs. */
  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#locks.request(`knock-keys:${this.name}`, { mode: 'exclusive' }, () => task());
  }

  async loadDevice(): Promise<DeviceKeys | undefined> {
    const device = await this.#read(DEVICE, DEVICE_KEY);
    if (device === undefined) return undefined;
    if (!isDevice(device)) throw this.#malformed('device keys');
    return device;
  }

  saveDevice(keys: DeviceKeys): Promise<void> {
    return this.#write([DEVICE], (tx) => tx.objectStore(DEVICE).put(keys, DEVICE_KEY));
  }

  async loadSessions(peerId: string): Promise<readonly SessionState[]> {
    const sessions = await this.#read(SESSIONS, peerId);
    if (sessions === undefined) return [];
    if (!Array.isArray(sessions) || !sessions.every(isSession)) throw this.#malformed('session');
    return sessions;
  }

  saveSessions(
    peerId: string,
    sessions: readonly SessionState[],
    device?: DeviceKeys,
  ): Promise<void> {
    return this.#write(device ? [SESSIONS, DEVICE] : [SESSIONS], (tx) => {
      const request = tx.objectStore(SESSIONS).put([...sessions], peerId);
      if (device) tx.objectStore(DEVICE).put(device, DEVICE_KEY);
      return request;
    });
  }

  deleteSessions(peerId: string): Promise<void> {
    return this.#write([SESSIONS], (tx) => tx.objectStore(SESSIONS).delete(peerId));
  }

  async loadPin(peerId: string): Promise<PeerPin | undefined> {
    const pin = await this.#read(PINS, peerId);
    if (pin === undefined) return undefined;
    if (!isPin(pin)) throw this.#malformed('pin');
    return pin;
  }

  savePin(peerId: string, pin: PeerPin): Promise<void> {
    return this.#write([PINS], (tx) => tx.objectStore(PINS).put({ ...pin }, peerId));
  }

  saveInvite(invite: InviteRecord): Promise<void> {
    return this.#write([INVITES], (tx) => tx.objectStore(INVITES).put(invite, invite.inviteId));
  }

  async loadInvite(inviteId: string): Promise<InviteRecord | undefined> {
    const invite = await this.#read(INVITES, inviteId);
    if (invite === undefined) return undefined;
    if (!isInvite(invite)) throw this.#malformed('invite');
    return invite;
  }

  deleteInvite(inviteId: string): Promise<void> {
    return this.#write([INVITES], (tx) => tx.objectStore(INVITES).delete(inviteId));
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  #read(store: string, key: string): Promise<unknown> {
    return this.#db.read(store, (objects) => objects.get(key));
  }

  #write(stores: string[], body: (tx: IDBTransaction) => IDBRequest): Promise<void> {
    return this.#db.write(stores, body);
  }

  #malformed(what: string): Error {
    return new Error(`The key store ${this.name} holds a malformed ${what}.`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The outer shape only: the crypto functions check every key when they use it. */
function isDevice(value: unknown): value is DeviceKeys {
  return (
    isRecord(value) &&
    isRecord(value['identity']) &&
    isRecord(value['signedPrekey']) &&
    isRecord(value['kemLastResort']) &&
    Array.isArray(value['oneTimePrekeys']) &&
    Array.isArray(value['kemOneTimePrekeys'])
  );
}

function isSession(value: unknown): value is SessionState {
  return isRecord(value) && value['version'] === 1 && isRecord(value['sendingRatchetKey']);
}

/** The outer shape only, like the device keys: the crypto functions check the keys. */
function isInvite(value: unknown): value is InviteRecord {
  return (
    isRecord(value) &&
    typeof value['inviteId'] === 'string' &&
    value['secret'] instanceof Uint8Array &&
    isRecord(value['keys']) &&
    isRecord(value['keys']['signedPrekey']) &&
    isRecord(value['keys']['kemPrekey'])
  );
}

function isPin(value: unknown): value is PeerPin {
  return (
    isRecord(value) &&
    typeof value['signingKey'] === 'string' &&
    typeof value['identityVersion'] === 'number' &&
    typeof value['accepted'] === 'boolean'
  );
}
