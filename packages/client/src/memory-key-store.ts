import type { DeviceKeys } from '@knock/crypto/device-keys';
import type { SessionState } from '@knock/crypto/session-state';
import type { KeyStore, PeerPin } from './key-store.js';

/**
 * A KeyStore in memory: nothing survives the process. Sessions and keys are immutable values, so
 * keeping references is safe; private keys stay whatever the backend made them (non-extractable
 * WebCrypto keys included).
 */
export class MemoryKeyStore implements KeyStore {
  #device: DeviceKeys | undefined;
  readonly #sessions = new Map<string, SessionState>();
  readonly #pins = new Map<string, PeerPin>();

  loadDevice(): Promise<DeviceKeys | undefined> {
    return Promise.resolve(this.#device);
  }

  saveDevice(keys: DeviceKeys): Promise<void> {
    this.#device = keys;
    return Promise.resolve();
  }

  loadSession(peerId: string): Promise<SessionState | undefined> {
    return Promise.resolve(this.#sessions.get(peerId));
  }

  saveSession(peerId: string, state: SessionState, device?: DeviceKeys): Promise<void> {
    this.#sessions.set(peerId, state);
    if (device) this.#device = device;
    return Promise.resolve();
  }

  deleteSession(peerId: string): Promise<void> {
    this.#sessions.delete(peerId);
    return Promise.resolve();
  }

  loadPin(peerId: string): Promise<PeerPin | undefined> {
    return Promise.resolve(this.#pins.get(peerId));
  }

  savePin(peerId: string, pin: PeerPin): Promise<void> {
    this.#pins.set(peerId, { ...pin });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
