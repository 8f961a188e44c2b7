// Node-only: a KeyStore kept in one JSON file, mode 0600 (the CLI's and bots' keys).
import type { CryptoBackend } from '@knock/crypto/backend';
import { decodeBase64urlStrict, encodeBase64url } from '@knock/crypto/base64url';
import {
  kemPrekeyFromJSON,
  kemPrekeyToJSON,
  signedPrekeyFromJSON,
  signedPrekeyToJSON,
  type KemPrekeyJSON,
  type SignedPrekeyJSON,
} from '@knock/crypto/private-prekeys-codec';
import {
  deviceKeysFromJSON,
  deviceKeysToJSON,
  type DeviceKeysJSON,
} from '@knock/crypto/device-keys-codec';
import type { DeviceKeys } from '@knock/crypto/device-keys';
import { sessionFromJSON, sessionToJSON, type SessionStateJSON } from '@knock/crypto/session-codec';
import type { SessionState } from '@knock/crypto/session-state';
import { withFileLock } from './file-lock.node.js';
import { JsonFile } from './json-file.node.js';
import type { InviteRecord, KeyStore, PeerPin } from './key-store.js';
import { Serial } from './serial.js';

interface KeyFile {
  version: 1;
  device: DeviceKeysJSON | null;
  /** Per peer, the session to send on first. (Version 1 files may hold one bare session.) */
  sessions: Record<string, SessionStateJSON[] | SessionStateJSON>;
  pins: Record<string, PeerPin>;
  /** Guest links this device made, by invite id (absent in files written before links existed). */
  invites?: Record<string, InviteRecordJSON>;
}

interface InviteRecordJSON {
  secret: string;
  signedPrekey: SignedPrekeyJSON;
  kemPrekey: KemPrekeyJSON;
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
  readonly #lock = new Serial();

  constructor(path: string, crypto: CryptoBackend) {
    this.#crypto = crypto;
    this.#file = new JsonFile<KeyFile>(
      path,
      'key file',
      (json) => (isKeyFile(json) ? json : undefined),
      () => ({ version: 1, device: null, sessions: {}, pins: {} }),
    );
  }

  get path(): string {
    return this.#file.path;
  }

  /** In this process one task at a time; across processes under the lock file `<path>.session.lock`. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    // A task may wait on the network (fetching a bundle), hence the longer patience.
    return this.#lock.run(() =>
      withFileLock(`${this.path}.session`, task, { timeoutMs: 60_000, staleMs: 120_000 }),
    );
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

  async loadSessions(peerId: string): Promise<readonly SessionState[]> {
    const json = (await this.#file.read()).sessions[peerId];
    if (json === undefined) return [];
    const list = Array.isArray(json) ? json : [json];
    return Promise.all(list.map((session) => sessionFromJSON(this.#crypto, session)));
  }

  async saveSessions(
    peerId: string,
    sessions: readonly SessionState[],
    device?: DeviceKeys,
  ): Promise<void> {
    const json = await Promise.all(sessions.map((state) => sessionToJSON(this.#crypto, state)));
    const deviceJson = device ? await deviceKeysToJSON(this.#crypto, device) : undefined;
    await this.#update((file) => {
      file.sessions[peerId] = json;
      if (deviceJson) file.device = deviceJson;
    });
  }

  async deleteSessions(peerId: string): Promise<void> {
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

  async saveInvite(invite: InviteRecord): Promise<void> {
    const json: InviteRecordJSON = {
      secret: encodeBase64url(invite.secret),
      signedPrekey: await signedPrekeyToJSON(this.#crypto, invite.keys.signedPrekey),
      kemPrekey: kemPrekeyToJSON(invite.keys.kemPrekey),
    };
    await this.#update((file) => {
      file.invites = { ...file.invites, [invite.inviteId]: json };
    });
  }

  async loadInvite(inviteId: string): Promise<InviteRecord | undefined> {
    const json = (await this.#file.read()).invites?.[inviteId];
    if (json === undefined) return undefined;
    return {
      inviteId,
      secret: decodeBase64urlStrict(json.secret),
      keys: {
        signedPrekey: await signedPrekeyFromJSON(this.#crypto, json.signedPrekey),
        kemPrekey: kemPrekeyFromJSON(json.kemPrekey),
      },
    };
  }

  async deleteInvite(inviteId: string): Promise<void> {
    await this.#update((file) => {
      file.invites = Object.fromEntries(
        Object.entries(file.invites ?? {}).filter(([id]) => id !== inviteId),
      );
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
    isRecord(file['pins']) &&
    (file['invites'] === undefined || isRecord(file['invites']))
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
