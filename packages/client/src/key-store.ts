import type { DeviceKeys } from '@knock/crypto/device-keys';
import type { InviteKeys } from '@knock/crypto/invite-bundle';
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
 * A guest link this device made: its secret (the guests' pre-shared key derives from it) and the
 * private halves of the invite's prekeys, to answer guests' first messages.
 */
export interface InviteRecord {
  /** The invite id, unpadded base64url, as the server knows it. */
  readonly inviteId: string;
  readonly secret: Uint8Array;
  readonly keys: InviteKeys;
}

/**
 * Where the client keeps its end-to-end keys: its own device keys, one Double Ratchet session per
 * peer and the pinned identity of each peer. Implementations: memory-key-store.ts (tests, throwaway
 * clients), file-key-store.node.ts (CLI and bots: one file, mode 0600) and, in browsers,
 * IndexedDB with non-extractable keys. Every operation is durable when its promise resolves, so a
 * caller stores a new ratchet state before the ciphertext leaves or the plaintext is shown.
 */
export interface KeyStore {
  /**
   * Runs `task` while no other user of this store runs one, in this process or any other client
   * sharing the store (another tab, another `knock` process): a ratchet is loaded, advanced and
   * saved inside one call, so two clients never advance the same session from the same state.
   * Not re-entrant: a task must not call `exclusive` again.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;

  loadDevice(): Promise<DeviceKeys | undefined>;
  saveDevice(keys: DeviceKeys): Promise<void>;

  /**
   * A peer's sessions, the one to send on first (empty when none). Older sessions stay for a
   * while to read what was sent on them: when both sides start a session at once, each side
   * reads the other's and they settle on whichever one a message last arrived on.
   */
  loadSessions(peerId: string): Promise<readonly SessionState[]>;
  /**
   * Stores a peer's sessions. `device`, when given, replaces the device keys in the same durable
   * step: a session accepted from an initial message used up one-time prekeys, and the two must
   * never be stored apart (a crash between them would let the same prekey answer twice).
   */
  saveSessions(
    peerId: string,
    sessions: readonly SessionState[],
    device?: DeviceKeys,
  ): Promise<void>;
  deleteSessions(peerId: string): Promise<void>;

  loadPin(peerId: string): Promise<PeerPin | undefined>;
  savePin(peerId: string, pin: PeerPin): Promise<void>;

  saveInvite(invite: InviteRecord): Promise<void>;
  loadInvite(inviteId: string): Promise<InviteRecord | undefined>;
  /** Forgets a link's keys (revoked, used up or expired): its guests' first messages no longer open. */
  deleteInvite(inviteId: string): Promise<void>;

  close(): Promise<void>;
}
