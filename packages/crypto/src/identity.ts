/**
 * A Knock identity: an Ed25519 signing key and an X25519 Diffie-Hellman key, the latter signed by
 * the former (DESIGN.md §5). The Ed25519 key is the identity people compare (safety numbers); the
 * X25519 key is what PQXDH uses as IK, and its signature proves that the two belong together.
 */
import type { CryptoBackend, KeyOptions, KeyPair } from './backend.js';
import { constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import { requireEd25519PublicKey, requireX25519PublicKey } from './public-keys.js';
import { identityPayload } from './signature-payloads.js';

/** The private identity: structured-clonable, private keys as opaque handles. */
export interface Identity {
  readonly signingKey: KeyPair<'Ed25519'>;
  readonly dhKey: KeyPair<'X25519'>;
  /** Ed25519 signature over `identityPayload(dhKey.publicKey)`. */
  readonly signature: Uint8Array;
}

/** What others see of an identity. */
export interface PublicIdentity {
  /** Ed25519, 32 bytes. */
  readonly signingKey: Uint8Array;
  /** X25519, 32 bytes. */
  readonly dhKey: Uint8Array;
  /** Ed25519 signature, 64 bytes. */
  readonly signature: Uint8Array;
}

export async function createIdentity(
  crypto: CryptoBackend,
  options: KeyOptions = {},
): Promise<Identity> {
  const signingKey = await crypto.generateEd25519(options);
  const dhKey = await crypto.generateX25519(options);
  const signature = await crypto.signEd25519(
    signingKey.privateKey,
    identityPayload(dhKey.publicKey),
  );
  return { signingKey, dhKey, signature };
}

export function publicIdentity(identity: Identity): PublicIdentity {
  return {
    signingKey: new Uint8Array(identity.signingKey.publicKey),
    dhKey: new Uint8Array(identity.dhKey.publicKey),
    signature: new Uint8Array(identity.signature),
  };
}

/**
 * Throws unless both keys are acceptable (`invalid_public_key`) and the X25519 key is signed by the
 * Ed25519 key (`bad_signature`).
 */
export async function verifyPublicIdentity(
  crypto: CryptoBackend,
  identity: PublicIdentity,
): Promise<void> {
  requireEd25519PublicKey(identity.signingKey);
  requireX25519PublicKey(identity.dhKey);
  const ok = await crypto.verifyEd25519(
    identity.signingKey,
    identityPayload(identity.dhKey),
    identity.signature,
  );
  if (!ok) throw new CryptoError('bad_signature', 'identity key signature does not verify');
}

/** Whether two public identities have the same keys (signatures are not compared). */
export function sameIdentity(a: PublicIdentity, b: PublicIdentity): boolean {
  return constantTimeEqual(a.signingKey, b.signingKey) && constantTimeEqual(a.dhKey, b.dhKey);
}
