/**
 * {@link CryptoBackend} in pure JavaScript on `@noble/curves`, `@noble/hashes` and `@noble/ciphers`:
 * the fallback for platforms whose WebCrypto lacks X25519 or Ed25519, and the independent second
 * implementation the WebCrypto backend is tested against. Private keys are raw bytes held in the
 * handle, so `extractable: false` is a promise of the API here, not of the platform.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { checkAesGcmArguments, checkHkdfArguments, checkHmacKey } from './arguments.js';
import type { CryptoBackend, KeyAlgorithm, KeyOptions, KeyPair, PrivateKey } from './backend.js';
import { constantTimeEqual, isAllZero, requireLength } from './bytes.js';
import { passesStrictEncodingChecks } from './ed25519-strict.js';
import { CryptoError } from './errors.js';
import { decapsulateMlKem768, encapsulateMlKem768, generateMlKem768 } from './ml-kem.js';
import { randomBytes } from './random.js';

const PUBLIC_KEY_OF: Record<KeyAlgorithm, (secret: Uint8Array) => Uint8Array> = {
  X25519: (secret) => x25519.getPublicKey(secret),
  Ed25519: (seed) => ed25519.getPublicKey(seed),
};

function keyPair<A extends KeyAlgorithm>(
  algorithm: A,
  raw: Uint8Array,
  options: KeyOptions = {},
): KeyPair<A> {
  requireLength(raw, 32, `${algorithm} private key`);
  const secret = new Uint8Array(raw);
  return {
    publicKey: new Uint8Array(PUBLIC_KEY_OF[algorithm](secret)),
    privateKey: {
      algorithm,
      backend: 'noble',
      extractable: options.extractable ?? false,
      handle: secret,
    },
  };
}

function unwrap(key: PrivateKey, algorithm: KeyAlgorithm): Uint8Array {
  if (key?.backend !== 'noble' || key.algorithm !== algorithm) {
    throw new CryptoError('invalid_private_key', `expected a noble ${algorithm} private key`);
  }
  if (!(key.handle instanceof Uint8Array) || key.handle.length !== 32) {
    throw new CryptoError('invalid_private_key');
  }
  return key.handle;
}

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  randomBytes,

  sha256: async (data) => sha256(data),
  sha512: async (data) => sha512(data),

  async hmacSha256(key, data) {
    checkHmacKey(key);
    return hmac(sha256, key, data);
  },
  async verifyHmacSha256(key, data, tag) {
    checkHmacKey(key);
    if (!(tag instanceof Uint8Array) || tag.length !== 32) return false;
    return constantTimeEqual(hmac(sha256, key, data), tag);
  },

  async hkdfSha256(ikm, salt, info, length) {
    checkHkdfArguments(ikm, length);
    return hkdf(sha256, ikm, salt, info, length);
  },

  async aes256GcmEncrypt(key, nonce, plaintext, associatedData) {
    checkAesGcmArguments(key, nonce);
    return gcm(key, nonce, associatedData).encrypt(plaintext);
  },
  async aes256GcmDecrypt(key, nonce, ciphertextAndTag, associatedData) {
    checkAesGcmArguments(key, nonce);
    try {
      return gcm(key, nonce, associatedData).decrypt(ciphertextAndTag);
    } catch {
      throw new CryptoError('decrypt_failed');
    }
  },

  generateX25519: async (options) => keyPair('X25519', randomBytes(32), options),
  importX25519: async (privateKey, options) => keyPair('X25519', privateKey, options),
  async x25519(privateKey, publicKey) {
    const secret = unwrap(privateKey, 'X25519');
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32 || isAllZero(publicKey)) {
      throw new CryptoError('invalid_public_key');
    }
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(secret, publicKey);
    } catch {
      throw new CryptoError('invalid_public_key');
    }
    if (isAllZero(shared)) throw new CryptoError('invalid_public_key');
    return shared;
  },

  generateEd25519: async (options) => keyPair('Ed25519', randomBytes(32), options),
  importEd25519: async (seed, options) => keyPair('Ed25519', seed, options),
  signEd25519: async (privateKey, message) => ed25519.sign(message, unwrap(privateKey, 'Ed25519')),
  async verifyEd25519(publicKey, message, signature) {
    if (!passesStrictEncodingChecks(publicKey, signature)) return false;
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },

  async exportPrivateKey(privateKey) {
    const raw = unwrap(privateKey, privateKey.algorithm);
    if (!privateKey.extractable) throw new CryptoError('not_extractable');
    return new Uint8Array(raw);
  },

  generateMlKem768: async (seed) => generateMlKem768(seed),
  encapsulateMlKem768: async (publicKey, randomness) => encapsulateMlKem768(publicKey, randomness),
  decapsulateMlKem768: async (secretKey, ciphertext) => decapsulateMlKem768(secretKey, ciphertext),
};
