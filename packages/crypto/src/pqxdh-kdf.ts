/**
 * The PQXDH key derivation and associated data (PQXDH rev. 3 §2.2, §3.3), as Knock instantiates
 * them: curve X25519, hash SHA-256, KEM ML-KEM-768.
 *
 *     SK = HKDF-SHA-256(IKM  = F ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS,
 *                       salt = 32 zero bytes, or the 32-byte pre-shared key,
 *                       info = PQXDH_INFO, or PQXDH_PSK_INFO with a pre-shared key,
 *                       L    = 32)
 *
 * F is 32 0xFF bytes (the specification's domain separator for X25519). A pre-shared key (the
 * guest-link secret's derivative) goes into HKDF's salt, the key of HKDF-Extract, and switches the
 * info string, so a session with a PSK can never share an SK with one without.
 *
 *     AD = Encode(IKsig_A) ‖ Encode(IK_A) ‖ Encode(IKsig_B) ‖ Encode(IK_B)
 *
 * with A the initiator, B the responder, IKsig the Ed25519 and IK the X25519 identity keys.
 */
import type { CryptoBackend } from './backend.js';
import { concatBytes, isAllZero } from './bytes.js';
import { CryptoError } from './errors.js';
import type { PublicIdentity } from './identity.js';
import { encodeKey } from './public-keys.js';
import { utf8 } from './utf8.js';

export const PQXDH_INFO = 'Knock_PQXDH_CURVE25519_SHA-256_ML-KEM-768';
export const PQXDH_PSK_INFO = 'Knock_PQXDH_PSK_CURVE25519_SHA-256_ML-KEM-768';
export const PRE_SHARED_KEY_LENGTH = 32;

const F = new Uint8Array(32).fill(0xff);

/** Throws `invalid_input` unless `psk` is absent or 32 bytes, not all zero. */
export function checkPreSharedKey(psk: Uint8Array | undefined): void {
  if (psk === undefined) return;
  if (!(psk instanceof Uint8Array) || psk.length !== PRE_SHARED_KEY_LENGTH || isAllZero(psk)) {
    throw new CryptoError('invalid_input', 'a pre-shared key is 32 bytes, not all zero');
  }
}

export async function derivePqxdhSecret(
  crypto: CryptoBackend,
  dhOutputs: readonly Uint8Array[],
  kemSecret: Uint8Array,
  psk: Uint8Array | undefined,
): Promise<Uint8Array> {
  checkPreSharedKey(psk);
  const ikm = concatBytes(F, ...dhOutputs, kemSecret);
  const salt = psk ?? new Uint8Array(32);
  const info = utf8(psk === undefined ? PQXDH_INFO : PQXDH_PSK_INFO);
  try {
    return await crypto.hkdfSha256(ikm, salt, info, 32);
  } finally {
    ikm.fill(0);
  }
}

export function pqxdhAssociatedData(
  initiator: PublicIdentity,
  responder: PublicIdentity,
): Uint8Array {
  return concatBytes(
    encodeKey('ed25519', initiator.signingKey),
    encodeKey('x25519', initiator.dhKey),
    encodeKey('ed25519', responder.signingKey),
    encodeKey('x25519', responder.dhKey),
  );
}
