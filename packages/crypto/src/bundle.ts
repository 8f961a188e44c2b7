/**
 * The prekey bundle a responder publishes and an initiator fetches (PQXDH §3.2): the responder's
 * public identity, one signed X25519 prekey, one signed ML-KEM-768 prekey and, while any are left,
 * one one-time X25519 prekey. Byte and JSON forms are in `bundle-codec.ts`.
 */
import type { CryptoBackend } from './backend.js';
import { constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import { publicIdentity, verifyPublicIdentity, type Identity } from './identity.js';
import type { PublicIdentity } from './identity.js';
import {
  publicKemPrekey,
  publicOneTimePrekey,
  publicSignedPrekey,
  type KemPrekey,
  type KemPrekeyPublic,
  type OneTimePrekey,
  type OneTimePrekeyPublic,
  type SignedPrekey,
  type SignedPrekeyPublic,
} from './prekeys.js';
import { requireMlKemPublicKey, requireX25519PublicKey } from './public-keys.js';
import { kemPrekeyPayload, signedPrekeyPayload } from './signature-payloads.js';

export interface PrekeyBundle {
  readonly identity: PublicIdentity;
  readonly signedPrekey: SignedPrekeyPublic;
  readonly kemPrekey: KemPrekeyPublic;
  readonly oneTimePrekey: OneTimePrekeyPublic | null;
}

export function createBundle(
  identity: Identity,
  signedPrekey: SignedPrekey,
  kemPrekey: KemPrekey,
  oneTimePrekey: OneTimePrekey | null = null,
): PrekeyBundle {
  return {
    identity: publicIdentity(identity),
    signedPrekey: publicSignedPrekey(signedPrekey),
    kemPrekey: publicKemPrekey(kemPrekey),
    oneTimePrekey: oneTimePrekey === null ? null : publicOneTimePrekey(oneTimePrekey),
  };
}

/**
 * Fails closed unless every key is acceptable and every signature verifies. With
 * `expectedSigningKey` (e.g. the host key from a guest link), also throws `identity_mismatch` when
 * the bundle belongs to anyone else.
 */
export async function verifyBundle(
  crypto: CryptoBackend,
  bundle: PrekeyBundle,
  expectedSigningKey?: Uint8Array,
): Promise<void> {
  const { identity, signedPrekey, kemPrekey, oneTimePrekey } = bundle;
  await verifyPublicIdentity(crypto, identity);
  if (
    expectedSigningKey !== undefined &&
    !constantTimeEqual(expectedSigningKey, identity.signingKey)
  ) {
    throw new CryptoError('identity_mismatch', 'the bundle belongs to another identity');
  }
  requireX25519PublicKey(signedPrekey.publicKey);
  requireMlKemPublicKey(kemPrekey.publicKey);
  if (oneTimePrekey !== null) requireX25519PublicKey(oneTimePrekey.publicKey);
  const spkOk = await crypto.verifyEd25519(
    identity.signingKey,
    signedPrekeyPayload(signedPrekey.id, signedPrekey.publicKey),
    signedPrekey.signature,
  );
  const kemOk = await crypto.verifyEd25519(
    identity.signingKey,
    kemPrekeyPayload(kemPrekey.id, kemPrekey.lastResort, kemPrekey.publicKey),
    kemPrekey.signature,
  );
  if (!spkOk || !kemOk) throw new CryptoError('bad_signature', 'a prekey signature is invalid');
}
