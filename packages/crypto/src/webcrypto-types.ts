/**
 * The slice of the W3C WebCrypto API (`globalThis.crypto`) that Knock uses, declared here so that
 * this package compiles without DOM or Node types (STYLE.md: runtime boundaries are checked by the
 * compiler). The names are prefixed so they never clash with the DOM's own declarations.
 */
import { CryptoError } from './errors.js';

export interface WebCryptoKey {
  readonly type: 'private' | 'public' | 'secret';
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

export interface WebCryptoKeyPair {
  readonly publicKey: WebCryptoKey;
  readonly privateKey: WebCryptoKey;
}

export interface WebJsonWebKey {
  readonly kty?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly d?: string;
}

type KeyUsage = 'sign' | 'verify' | 'deriveBits' | 'encrypt' | 'decrypt';
type CurveAlgorithm = { readonly name: 'X25519' | 'Ed25519' };
type ImportAlgorithm =
  | CurveAlgorithm
  | { readonly name: 'HKDF' | 'AES-GCM' }
  | { readonly name: 'HMAC'; readonly hash: 'SHA-256' };
type DeriveAlgorithm =
  | { readonly name: 'X25519'; readonly public: WebCryptoKey }
  | {
      readonly name: 'HKDF';
      readonly hash: 'SHA-256';
      readonly salt: Uint8Array;
      readonly info: Uint8Array;
    };
type SignAlgorithm = { readonly name: 'Ed25519' | 'HMAC' };
type AesGcmAlgorithm = {
  readonly name: 'AES-GCM';
  readonly iv: Uint8Array;
  readonly additionalData: Uint8Array;
  readonly tagLength: 128;
};

export interface WebSubtleCrypto {
  generateKey(
    algorithm: CurveAlgorithm,
    extractable: boolean,
    usages: readonly KeyUsage[],
  ): Promise<WebCryptoKeyPair>;
  importKey(
    format: 'raw' | 'pkcs8',
    keyData: Uint8Array,
    algorithm: ImportAlgorithm,
    extractable: boolean,
    usages: readonly KeyUsage[],
  ): Promise<WebCryptoKey>;
  exportKey(format: 'raw', key: WebCryptoKey): Promise<ArrayBuffer>;
  exportKey(format: 'jwk', key: WebCryptoKey): Promise<WebJsonWebKey>;
  deriveBits(
    algorithm: DeriveAlgorithm,
    baseKey: WebCryptoKey,
    length: number,
  ): Promise<ArrayBuffer>;
  sign(algorithm: SignAlgorithm, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  verify(
    algorithm: SignAlgorithm,
    key: WebCryptoKey,
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean>;
  encrypt(algorithm: AesGcmAlgorithm, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: AesGcmAlgorithm, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  digest(algorithm: 'SHA-256' | 'SHA-512', data: Uint8Array): Promise<ArrayBuffer>;
}

export interface WebCrypto {
  readonly subtle: WebSubtleCrypto;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** The platform's WebCrypto, or `unsupported` where there is none (e.g. an insecure context). */
export function platformCrypto(): WebCrypto {
  const candidate = (globalThis as unknown as { crypto?: Partial<WebCrypto> }).crypto;
  if (candidate?.subtle === undefined || typeof candidate.getRandomValues !== 'function') {
    throw new CryptoError('unsupported', 'WebCrypto is not available');
  }
  return candidate as WebCrypto;
}

/** A value read back from storage is only used as a key if it looks like one. */
export function isWebCryptoKey(value: unknown, algorithm: string): value is WebCryptoKey {
  if (typeof value !== 'object' || value === null) return false;
  const key = value as Partial<WebCryptoKey>;
  return key.type === 'private' && key.algorithm?.name === algorithm;
}
