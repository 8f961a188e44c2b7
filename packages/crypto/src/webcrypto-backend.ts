/**
 * {@link CryptoBackend} on the platform's WebCrypto (`globalThis.crypto.subtle`): X25519, Ed25519,
 * HKDF, HMAC, AES-GCM and SHA-2 as the browser or Node implements them. ML-KEM-768 is the shared
 * `@noble/post-quantum` code. Needs a platform with WebCrypto X25519 and Ed25519 (Node ≥ 20,
 * current Chromium, Firefox and Safari); elsewhere use the noble backend.
 */
import { checkAesGcmArguments, checkHkdfArguments, checkHmacKey } from './arguments.js';
import type { CryptoBackend } from './backend.js';
import { isAllZero } from './bytes.js';
import { passesStrictEncodingChecks } from './ed25519-strict.js';
import { CryptoError } from './errors.js';
import { decapsulateMlKem768, encapsulateMlKem768, generateMlKem768 } from './ml-kem.js';
import { randomBytes } from './random.js';
import {
  exportPrivateKey,
  generateKeyPair,
  importKeyPair,
  importPublicKey,
  unwrapPrivateKey,
} from './webcrypto-keys.js';
import { platformCrypto, type WebCryptoKey } from './webcrypto-types.js';

const subtle = () => platformCrypto().subtle;

function hmacKey(key: Uint8Array): Promise<WebCryptoKey> {
  checkHmacKey(key);
  return subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

function aesKey(key: Uint8Array, nonce: Uint8Array, usage: 'encrypt' | 'decrypt') {
  checkAesGcmArguments(key, nonce);
  return subtle().importKey('raw', key, { name: 'AES-GCM' }, false, [usage]);
}

export const webCryptoBackend: CryptoBackend = {
  name: 'webcrypto',
  randomBytes,

  async sha256(data) {
    return new Uint8Array(await subtle().digest('SHA-256', data));
  },
  async sha512(data) {
    return new Uint8Array(await subtle().digest('SHA-512', data));
  },

  async hmacSha256(key, data) {
    return new Uint8Array(await subtle().sign({ name: 'HMAC' }, await hmacKey(key), data));
  },
  async verifyHmacSha256(key, data, tag) {
    if (!(tag instanceof Uint8Array) || tag.length !== 32) return false;
    return subtle().verify({ name: 'HMAC' }, await hmacKey(key), tag, data);
  },

  async hkdfSha256(ikm, salt, info, length) {
    checkHkdfArguments(ikm, length);
    const key = await subtle().importKey('raw', ikm, { name: 'HKDF' }, false, ['deriveBits']);
    const bits = await subtle().deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt, info },
      key,
      length * 8,
    );
    return new Uint8Array(bits);
  },

  async aes256GcmEncrypt(key, nonce, plaintext, associatedData) {
    const cryptoKey = await aesKey(key, nonce, 'encrypt');
    const algorithm = { name: 'AES-GCM', iv: nonce, additionalData: associatedData } as const;
    return new Uint8Array(
      await subtle().encrypt({ ...algorithm, tagLength: 128 }, cryptoKey, plaintext),
    );
  },
  async aes256GcmDecrypt(key, nonce, ciphertextAndTag, associatedData) {
    const cryptoKey = await aesKey(key, nonce, 'decrypt');
    const algorithm = { name: 'AES-GCM', iv: nonce, additionalData: associatedData } as const;
    try {
      return new Uint8Array(
        await subtle().decrypt({ ...algorithm, tagLength: 128 }, cryptoKey, ciphertextAndTag),
      );
    } catch {
      throw new CryptoError('decrypt_failed');
    }
  },

  generateX25519: (options) => generateKeyPair('X25519', options),
  importX25519: (privateKey, options) => importKeyPair('X25519', privateKey, options),
  async x25519(privateKey, publicKey) {
    const ours = unwrapPrivateKey(privateKey, 'X25519');
    if (publicKey instanceof Uint8Array && isAllZero(publicKey)) {
      throw new CryptoError('invalid_public_key');
    }
    const theirs = await importPublicKey('X25519', publicKey);
    let shared: Uint8Array;
    try {
      shared = new Uint8Array(
        await subtle().deriveBits({ name: 'X25519', public: theirs }, ours, 256),
      );
    } catch {
      // WebCrypto itself refuses an all-zero result (low-order public key).
      throw new CryptoError('invalid_public_key');
    }
    if (isAllZero(shared)) throw new CryptoError('invalid_public_key');
    return shared;
  },

  generateEd25519: (options) => generateKeyPair('Ed25519', options),
  importEd25519: (seed, options) => importKeyPair('Ed25519', seed, options),
  async signEd25519(privateKey, message) {
    const key = unwrapPrivateKey(privateKey, 'Ed25519');
    return new Uint8Array(await subtle().sign({ name: 'Ed25519' }, key, message));
  },
  async verifyEd25519(publicKey, message, signature) {
    if (!passesStrictEncodingChecks(publicKey, signature)) return false;
    try {
      const key = await importPublicKey('Ed25519', publicKey);
      return await subtle().verify({ name: 'Ed25519' }, key, signature, message);
    } catch {
      return false;
    }
  },

  exportPrivateKey,

  generateMlKem768: async (seed) => generateMlKem768(seed),
  encapsulateMlKem768: async (publicKey, randomness) => encapsulateMlKem768(publicKey, randomness),
  decapsulateMlKem768: async (secretKey, ciphertext) => decapsulateMlKem768(secretKey, ciphertext),
};
