/**
 * Validation of the public keys the protocol receives, and their type-tagged encodings.
 *
 * X25519 public keys of low order (RFC 7748 §6.1; the list of cr.yp.to/ecdh.html) would make a
 * Diffie-Hellman output all-zero or predictable. The backends refuse them when they are used; the
 * protocol also refuses them where they are received (bundles, initial messages, ratchet headers),
 * before any state is touched. They also refuse non-canonical encodings, which RFC 7748 would
 * silently reduce: otherwise one key would have two encodings, and a flipped top bit of a key in
 * a message would go unnoticed.
 */
import { isAcceptablePointEncoding } from './ed25519-strict.js';
import { CryptoError } from './errors.js';
import { ML_KEM_768 } from './ml-kem.js';

/** Type bytes in front of an encoded public key (Knock's own values). */
export const KEY_TYPE = { x25519: 0x05, ed25519: 0x06, mlKem768: 0x07 } as const;

const P = 2n ** 255n - 19n;
/** u-coordinates (mod p) of the X25519 points of order 1, 2, 4 and 8. */
const LOW_ORDER_U = new Set([
  0n,
  1n,
  P - 1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
]);

function littleEndian(key: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(key[i]!);
  return value;
}

/**
 * Throws `invalid_public_key` unless `key` is 32 bytes, canonical (top bit clear, u < p: the form
 * every X25519 implementation outputs, so each key has one encoding) and not of low order.
 */
export function requireX25519PublicKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new CryptoError('invalid_public_key', 'X25519 public keys are 32 bytes');
  }
  const u = littleEndian(key);
  if (u >= P || LOW_ORDER_U.has(u)) {
    throw new CryptoError('invalid_public_key', 'unacceptable X25519 public key');
  }
}

/** Throws `invalid_public_key` unless `key` is a canonical, not-small-order Ed25519 encoding. */
export function requireEd25519PublicKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || !isAcceptablePointEncoding(key)) {
    throw new CryptoError('invalid_public_key', 'unacceptable Ed25519 public key');
  }
}

/** Throws `invalid_public_key` unless `key` has the length of an ML-KEM-768 encapsulation key. */
export function requireMlKemPublicKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== ML_KEM_768.publicKeyLength) {
    throw new CryptoError('invalid_public_key', 'ML-KEM-768 public keys are 1184 bytes');
  }
}

/** Encode(PK) of the PQXDH specification: the type byte, then the raw key. */
export function encodeKey(type: keyof typeof KEY_TYPE, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = KEY_TYPE[type];
  out.set(key, 1);
  return out;
}
