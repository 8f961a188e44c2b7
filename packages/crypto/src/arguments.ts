/** Argument rules that both backends enforce identically, so that they fail on the same inputs. */
import { requireLength } from './bytes.js';
import { CryptoError } from './errors.js';

/** RFC 5869 §2.3: at most 255 blocks of the hash's 32-byte output. */
export const HKDF_SHA256_MAX_LENGTH = 255 * 32;

export function checkHkdfArguments(ikm: Uint8Array, length: number): void {
  if (!(ikm instanceof Uint8Array) || ikm.length === 0) {
    throw new CryptoError('invalid_input', 'HKDF input keying material must not be empty');
  }
  if (!Number.isInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw new CryptoError('invalid_input', `HKDF length must be 1 to ${HKDF_SHA256_MAX_LENGTH}`);
  }
}

/** WebCrypto refuses empty HMAC keys; so does the noble backend, for the same behaviour. */
export function checkHmacKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0) {
    throw new CryptoError('invalid_input', 'HMAC keys must not be empty');
  }
}

export function checkAesGcmArguments(key: Uint8Array, nonce: Uint8Array): void {
  requireLength(key, 32, 'AES-256-GCM key');
  requireLength(nonce, 12, 'AES-GCM nonce');
}
