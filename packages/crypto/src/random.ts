/** Secure random bytes from the platform CSPRNG; both backends use it. */
import { CryptoError } from './errors.js';
import { platformCrypto } from './webcrypto-types.js';

/** WebCrypto fills at most 65536 bytes per call. */
const CHUNK = 65536;

export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new CryptoError('invalid_input', 'random length must be a non-negative integer');
  }
  const crypto = platformCrypto();
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += CHUNK) {
    crypto.getRandomValues(out.subarray(offset, Math.min(offset + CHUNK, length)));
  }
  return out;
}
