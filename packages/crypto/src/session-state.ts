/**
 * The state of one end-to-end encrypted session: the Double Ratchet state of rev. 4 §3.2 plus the
 * identities, the PQXDH associated data and the initial-message bookkeeping.
 *
 * States are immutable values. `encrypt` and `decrypt` return a new state and never modify the one
 * passed in, so a failed, forged or replayed message leaves the caller's state exactly as it was,
 * and the caller decides when the new state becomes current: persist it, then send the ciphertext
 * or show the plaintext. A state is structured-clonable (IndexedDB, `postMessage`); its private key
 * is an opaque backend handle. `session-codec.ts` has the JSON form for stores that need bytes.
 */
import type { KeyPair } from './backend.js';
import type { PublicIdentity } from './identity.js';

/** Most message keys one message may make the receiver skip within one chain (MAX_SKIP). */
export const MAX_SKIP = 1000;
/** Most skipped message keys a session keeps; beyond this the oldest are dropped. */
export const MAX_SKIPPED_KEYS = 2000;

export interface SkippedKey {
  /** The sender's ratchet public key of the chain the key belongs to. */
  readonly ratchetKey: Uint8Array;
  readonly n: number;
  readonly messageKey: Uint8Array;
}

export interface SessionState {
  readonly version: 1;
  readonly localIdentity: PublicIdentity;
  readonly remoteIdentity: PublicIdentity;
  /** PQXDH AD: Encode(IKsig_A) ‖ Encode(IK_A) ‖ Encode(IKsig_B) ‖ Encode(IK_B). */
  readonly associatedData: Uint8Array;
  /** Whether new ratchet private keys are created extractable (needed for the JSON form). */
  readonly extractable: boolean;
  /** RK */
  readonly rootKey: Uint8Array;
  /** DHs */
  readonly sendingRatchetKey: KeyPair<'X25519'>;
  /** CKs */
  readonly sendingChainKey: Uint8Array;
  /** Ns */
  readonly sendCount: number;
  /** PN */
  readonly previousSendCount: number;
  /** DHr */
  readonly receivingRatchetKey: Uint8Array;
  /** CKr; null until the initiator receives its first reply. */
  readonly receivingChainKey: Uint8Array | null;
  /** Nr */
  readonly receiveCount: number;
  /** MKSKIPPED, oldest first. */
  readonly skippedKeys: readonly SkippedKey[];
  /** Initiator: the key-agreement part sent in front of every message until a reply arrives. */
  readonly pendingKeyAgreement: Uint8Array | null;
  /** Responder: the key-agreement part that started the session; later copies must match it. */
  readonly acceptedKeyAgreement: Uint8Array | null;
}

export interface DecryptResult {
  readonly state: SessionState;
  readonly plaintext: Uint8Array;
  /** The counters of the message, for gap detection (TESTPLAN I6). */
  readonly header: { readonly previousChainLength: number; readonly messageNumber: number };
  /** How many earlier messages this one revealed as missing (their keys are now kept). */
  readonly newlySkipped: number;
  /** True when the message was decrypted with a kept key, i.e. it arrived late. */
  readonly outOfOrder: boolean;
}

export interface EncryptResult {
  readonly state: SessionState;
  /** Wire bytes: an initial message while the initiator awaits a reply, else a ratchet message. */
  readonly message: Uint8Array;
}
