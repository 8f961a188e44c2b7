// Node-only: a KeyStore kept in one JSON file, mode 0600 (the CLI's and bots' keys).
import type { CryptoBackend } from '@knock/crypto/backend';
import {
  deviceKeysFromJSON,
  deviceKeysToJSON,
  type DeviceKeysJSON,
} from '@knock/crypto/device-keys-codec';
import type { DeviceKeys } from '@knock/crypto/device-keys';
import { sessionFromJSON, sessionToJSON, type SessionStateJSON } from '@knock/crypto/session-codec';
import type { SessionState } from '@knock/crypto/session-state';
import { JsonFile } from './json-file.node.js';
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
 * under a lock file (JsonFile), so a crash leaves the old or the new state, never a mix.
 */
export class FileKeyStore implements KeyStore {
  readonly #crypto: CryptoBackend;
  readonly #file: JsonFile<KeyFile>;

  constructor(path: string, crypto: CryptoBackend) {
    this.#crypto = crypto;
    this.#file = new JsonFile(
      path,
      'key file',
      (json) => (isKeyFile(json) ? json : undefined),
      () => ({ version: 1, device: null, sessions: {}, pins: {} }),
    );
  }

  get path(): string {
    return this.#file.path;
  }

  async loadDevice(): Promise<DeviceKeys | undefined> {
    const file = await this.#file.read();
    return file.device ? deviceKeysFromJSON(this.#crypto, file.device) : undefined;
  }

  async saveDevice(keys: DeviceKeys): Promise<void> {
    const device = await deviceKeysToJSON(this.#crypto, keys);
    await this.#update((file) => {
      file.device = device;
    });
  }

  async loadSession(peerId: string): Promise<SessionState | undefined> {
    const json = (await this.#file.read()).sessions[peerId];
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
    const pin: unknown = (await this.#file.read()).pins[peerId];
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
    await this.#file.settled();
  }

  #update(mutate: (file: KeyFile) => void): Promise<void> {
    return this.#file.update((file) => {
      mutate(file);
      return true;
    });
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
