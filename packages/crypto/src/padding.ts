/**
 * Plaintext padding before encryption, so that ciphertext lengths reveal only a size bucket.
 *
 * ISO/IEC 7816-4 style: the plaintext, one 0x80 byte, then zero bytes up to the bucket size. The
 * bucket is the smallest of 64, 128, 256, 512, 1024, 2048 and 4096 bytes that holds the plaintext
 * plus the 0x80 byte, beyond that the next multiple of 4096. Unpadding is strict: the input must be
 * exactly the canonical padding of some plaintext, else `malformed`.
 */
import { CryptoError } from './errors.js';

const SMALL_BUCKETS = [64, 128, 256, 512, 1024, 2048, 4096] as const;
const LARGE_STEP = 4096;
/** Largest plaintext Knock encrypts in one message: 1 MiB minus the padding marker. */
export const MAX_PLAINTEXT_LENGTH = 1024 * 1024 - 1;

/** The padded size of a plaintext of `length` bytes. */
export function paddedLength(length: number): number {
  const needed = length + 1;
  for (const bucket of SMALL_BUCKETS) if (needed <= bucket) return bucket;
  return Math.ceil(needed / LARGE_STEP) * LARGE_STEP;
}

export function pad(plaintext: Uint8Array): Uint8Array {
  if (!(plaintext instanceof Uint8Array) || plaintext.length > MAX_PLAINTEXT_LENGTH) {
    throw new CryptoError('invalid_input', `plaintexts are at most ${MAX_PLAINTEXT_LENGTH} bytes`);
  }
  const out = new Uint8Array(paddedLength(plaintext.length));
  out.set(plaintext);
  out[plaintext.length] = 0x80;
  return out;
}

export function unpad(padded: Uint8Array): Uint8Array {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x80 || paddedLength(end) !== padded.length) {
    throw new CryptoError('malformed', 'bad padding');
  }
  return padded.slice(0, end);
}
