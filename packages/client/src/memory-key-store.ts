import type { DeviceKeys } from '@knock/crypto/device-keys';
import type { SessionState } from '@knock/crypto/session-state';
import type { InviteRecord, KeyStore, PeerPin } from './key-store.js';
import { Serial } from './serial.js';

/**
 * A KeyStore in memory: nothing survives the process. Sessions and keys are immutable values, so
 * keeping references is safe; private keys stay whatever the backend made them (non-extractable
 * WebCrypto keys included).
 */
export class MemoryKeyStore implements KeyStore {
  readonly #lock = new Serial();
  #device: DeviceKeys | undefined;
  readonly #sessions = new Map<string, readonly SessionState[]>();
  readonly #pins = new Map<string, PeerPin>();
  readonly #invites = new Map<string, InviteRecord>();

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#lock.run(task);
  }

  loadDevice(): Promise<DeviceKeys | undefined> {
    return Promise.resolve(this.#device);
  }

  saveDevice(keys: DeviceKeys): Promise<void> {
    this.#device = keys;
    return Promise.resolve();
  }

  loadSessions(peerId: string): Promise<readonly SessionState[]> {
    return Promise.resolve(this.#sessions.get(peerId) ?? []);
  }

  saveSessions(
    peerId: string,
    sessions: readonly SessionState[],
    device?: DeviceKeys,
  ): Promise<void> {
    this.#sessions.set(peerId, [...sessions]);
    if (device) this.#device = device;
    return Promise.resolve();
  }

  deleteSessions(peerId: string): Promise<void> {
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

  saveInvite(invite: InviteRecord): Promise<void> {
    this.#invites.set(invite.inviteId, invite);
    return Promise.resolve();
  }

  loadInvite(inviteId: string): Promise<InviteRecord | undefined> {
    return Promise.resolve(this.#invites.get(inviteId));
  }

  deleteInvite(inviteId: string): Promise<void> {
    this.#invites.delete(inviteId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
