/**
 * ML-KEM-768 (FIPS 203) from `@noble/post-quantum`, shared by both backends: no platform offers it
 * through WebCrypto yet. noble performs FIPS 203's input checks (the encapsulation-key modulus
 * check and the decapsulation-key hash check); their failures become `CryptoError`s here.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { MlKemEncapsulation, MlKemKeyPair } from './backend.js';
import { requireLength } from './bytes.js';
import { CryptoError } from './errors.js';

export const ML_KEM_768 = {
  seedLength: 64,
  randomnessLength: 32,
  publicKeyLength: 1184,
  secretKeyLength: 2400,
  ciphertextLength: 1088,
  sharedSecretLength: 32,
} as const;

export function generateMlKem768(seed?: Uint8Array): MlKemKeyPair {
  if (seed !== undefined) requireLength(seed, ML_KEM_768.seedLength, 'ML-KEM seed');
  const { publicKey, secretKey } =
    seed === undefined ? ml_kem768.keygen() : ml_kem768.keygen(new Uint8Array(seed));
  return { publicKey: new Uint8Array(publicKey), secretKey: new Uint8Array(secretKey) };
}

export function encapsulateMlKem768(
  publicKey: Uint8Array,
  randomness?: Uint8Array,
): MlKemEncapsulation {
  requireLength(publicKey, ML_KEM_768.publicKeyLength, 'ML-KEM public key');
  if (randomness !== undefined) {
    requireLength(randomness, ML_KEM_768.randomnessLength, 'ML-KEM randomness');
  }
  let result: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    result =
      randomness === undefined
        ? ml_kem768.encapsulate(publicKey)
        : ml_kem768.encapsulate(publicKey, new Uint8Array(randomness));
  } catch {
    throw new CryptoError('invalid_public_key', 'ML-KEM public key failed the modulus check');
  }
  return {
    ciphertext: new Uint8Array(result.cipherText),
    sharedSecret: new Uint8Array(result.sharedSecret),
  };
}

export function decapsulateMlKem768(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  requireLength(secretKey, ML_KEM_768.secretKeyLength, 'ML-KEM secret key');
  requireLength(ciphertext, ML_KEM_768.ciphertextLength, 'ML-KEM ciphertext');
  try {
    return new Uint8Array(ml_kem768.decapsulate(ciphertext, secretKey));
  } catch {
    throw new CryptoError('invalid_private_key', 'ML-KEM secret key failed the hash check');
  }
}
