/**
 * A deterministic wrapper around a backend, for known-answer transcripts only: all randomness
 * (random bytes, X25519 and Ed25519 key generation, ML-KEM key generation and encapsulation) comes
 * from a seeded generator, so one seed yields one exact transcript on either backend.
 *
 * Generator: block i = SHA-256("Knock test DRBG v1" ‖ 0x00 ‖ UTF-8(seed) ‖ 0x00 ‖ u32be i), the
 * output stream is block 0 ‖ block 1 ‖ …; each request takes the next bytes of the stream.
 * Never use this outside tests.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoBackend } from '../backend.js';
import { concatBytes } from '../bytes.js';
import { utf8 } from '../utf8.js';
import { u32Bytes } from '../wire-reader.js';

export function seededRandom(seed: string): (length: number) => Uint8Array {
  const prefix = concatBytes(
    utf8('Knock test DRBG v1'),
    Uint8Array.of(0),
    utf8(seed),
    Uint8Array.of(0),
  );
  let counter = 0;
  let buffer: Uint8Array = new Uint8Array(0);
  return (length) => {
    while (buffer.length < length) {
      buffer = concatBytes(buffer, sha256(concatBytes(prefix, u32Bytes(counter++))));
    }
    const out = buffer.slice(0, length);
    buffer = buffer.slice(length);
    return out;
  };
}

export function deterministicBackend(base: CryptoBackend, seed: string): CryptoBackend {
  const random = seededRandom(seed);
  return {
    ...base,
    randomBytes: (length) => random(length),
    generateX25519: (options) => base.importX25519(random(32), options),
    generateEd25519: (options) => base.importEd25519(random(32), options),
    generateMlKem768: (seed) => base.generateMlKem768(seed ?? random(64)),
    encapsulateMlKem768: (publicKey, randomness) =>
      base.encapsulateMlKem768(publicKey, randomness ?? random(32)),
  };
}
