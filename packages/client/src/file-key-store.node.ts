// Node-only: a KeyStore kept in one JSON file, mode 0600 (the CLI's and bots' keys).
import { dirname } from 'node:path';
import type { CryptoBackend } from '@knock/crypto/backend';
import {
  deviceKeysFromJSON,
  deviceKeysToJSON,
  type DeviceKeysJSON,
} from '@knock/crypto/device-keys-codec';
import type { DeviceKeys } from '@knock/crypto/device-keys';
import { sessionFromJSON, sessionToJSON, type SessionStateJSON } from '@knock/crypto/session-codec';
import type { SessionState } from '@knock/crypto/session-state';
import { ensurePrivateDirectory, readFileIfExists, writeFileAtomic } from './atomic-file.node.js';
import { withFileLock } from './file-lock.node.js';
import type { KeyStore, PeerPin } from './key-store.js';

interface KeyFile {
  version: 1;
  device: DeviceKeysJSON | null;
  sessions: Record<string, SessionStateJSON>;
  pins: Record<string, PeerPin>;
}

/**
 * A KeyStore in one JSON file, mode 0600, in a 0700 directory. It holds private keys as raw
 * bytes, so it needs keys made with `extractable: true` (the crypto package refuses to export
 * others); it is as secret as the keys. Every change re-reads the file and replaces it atomically
 * under a lock file, so a crash leaves the old or the new state, never a mix, and two processes
 * sharing it cannot both advance one ratchet from the same state.
 */
export class FileKeyStore implements KeyStore {
  readonly path: string;
  readonly #crypto: CryptoBackend;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, crypto: CryptoBackend) {
    this.path = path;
    this.#crypto = crypto;
  }

  async loadDevice(): Promise<DeviceKeys | undefined> {
    const file = await this.#serial(() => this.#read());
    return file.device ? deviceKeysFromJSON(this.#crypto, file.device) : undefined;
  }

  async saveDevice(keys: DeviceKeys): Promise<void> {
    const device = await deviceKeysToJSON(this.#crypto, keys);
    await this.#update((file) => {
      file.device = device;
    });
  }

  async loadSession(peerId: string): Promise<SessionState | undefined> {
    const json = (await this.#serial(() => this.#read())).sessions[peerId];
    return json ? sessionFromJSON(this.#crypto, json) : undefined;
  }

  async saveSession(peerId: string, state: SessionState, device?: DeviceKeys): Promise<void> {
    const session = await sessionToJSON(this.#crypto, state);
    const deviceJson = device ? await deviceKeysToJSON(this.#crypto, device) : undefined;
    await this.#update((file) => {
      file.sessions[peerId] = session;
      if (deviceJson) file.device = deviceJson;
    });
  }

  async deleteSession(peerId: string): Promise<void> {
    await this.#update((file) => {
      file.sessions = Object.fromEntries(
        Object.entries(file.sessions).filter(([id]) => id !== peerId),
      );
    });
  }

  async loadPin(peerId: string): Promise<PeerPin | undefined> {
    const pin: unknown = (await this.#serial(() => this.#read())).pins[peerId];
    if (pin === undefined) return undefined;
    if (!isPin(pin)) throw new Error(`The key file ${this.path} holds a malformed pin.`);
    return pin;
  }

  async savePin(peerId: string, pin: PeerPin): Promise<void> {
    await this.#update((file) => {
      file.pins[peerId] = { ...pin };
    });
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  #update(mutate: (file: KeyFile) => void): Promise<void> {
    return this.#serial(async () => {
      await ensurePrivateDirectory(dirname(this.path));
      await withFileLock(this.path, async () => {
        const file = await this.#read();
        mutate(file);
        await writeFileAtomic(this.path, JSON.stringify(file), 0o600);
      });
    });
  }

  async #read(): Promise<KeyFile> {
    const text = await readFileIfExists(this.path);
    if (text === undefined) return { version: 1, device: null, sessions: {}, pins: {} };
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      throw new Error(`The key file ${this.path} is not valid JSON.`);
    }
    if (!isKeyFile(json)) throw new Error(`The key file ${this.path} has an unexpected shape.`);
    return json;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** The outer shape only: the keys and sessions inside are checked strictly when they are read. */
function isKeyFile(value: unknown): value is KeyFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return (
    file['version'] === 1 &&
    (file['device'] === null || isRecord(file['device'])) &&
    isRecord(file['sessions']) &&
    isRecord(file['pins'])
  );
}

function isPin(value: unknown): value is PeerPin {
  if (typeof value !== 'object' || value === null) return false;
  const pin = value as Record<string, unknown>;
  return (
    typeof pin['signingKey'] === 'string' &&
    typeof pin['identityVersion'] === 'number' &&
    typeof pin['accepted'] === 'boolean'
  );
}
