import type { DeviceKeys } from '@knock/crypto/device-keys';
import type { SessionState } from '@knock/crypto/session-state';

/** What this client trusts as a peer's identity (trust on first use, then pinned). */
export interface PeerPin {
  /** The peer's Ed25519 identity key as unpadded base64url: what safety numbers are made of. */
  readonly signingKey: string;
  /** The directory's `identityVersion` when it was pinned. */
  readonly identityVersion: number;
  /** False from a key change until the user has seen and accepted the new safety number. */
  readonly accepted: boolean;
}

/**
 * Where the client keeps its end-to-end keys: its own device keys, one Double Ratchet session per
 * peer and the pinned identity of each peer. Implementations: memory-key-store.ts (tests, throwaway
 * clients), file-key-store.node.ts (CLI and bots: one file, mode 0600) and, in browsers,
 * IndexedDB with non-extractable keys. Every operation is durable when its promise resolves, so a
 * caller stores a new ratchet state before the ciphertext leaves or the plaintext is shown.
 */
export interface KeyStore {
  loadDevice(): Promise<DeviceKeys | undefined>;
  saveDevice(keys: DeviceKeys): Promise<void>;

  loadSession(peerId: string): Promise<SessionState | undefined>;
  /**
   * Stores a session. `device`, when given, replaces the device keys in the same durable step: a
   * session accepted from an initial message used up one-time prekeys, and the two must never be
   * stored apart (a crash between them would let the same prekey answer twice).
   */
  saveSession(peerId: string, state: SessionState, device?: DeviceKeys): Promise<void>;
  deleteSession(peerId: string): Promise<void>;

  loadPin(peerId: string): Promise<PeerPin | undefined>;
  savePin(peerId: string, pin: PeerPin): Promise<void>;

  close(): Promise<void>;
}
