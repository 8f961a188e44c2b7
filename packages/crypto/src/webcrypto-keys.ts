/**
 * X25519 and Ed25519 private keys as WebCrypto `CryptoKey`s inside {@link PrivateKey} handles.
 *
 * WebCrypto cannot import a raw private key, so 32 raw bytes are wrapped in the fixed PKCS #8
 * prefix of RFC 8410. It cannot derive a public key from a private one either: the key is imported
 * once as extractable to read the public `x` from its JWK, and that temporary key is dropped.
 */
import type { KeyAlgorithm, KeyOptions, KeyPair, PrivateKey } from './backend.js';
import { decodeBase64url } from './base64url.js';
import { concatBytes, requireLength } from './bytes.js';
import { CryptoError } from './errors.js';
import { isWebCryptoKey, platformCrypto, type WebCryptoKey } from './webcrypto-types.js';

/** PKCS #8 PrivateKeyInfo header for a 32-byte key (RFC 8410 §7): OID 1.3.101.110 / .112. */
const PKCS8_PREFIX: Record<KeyAlgorithm, Uint8Array> = {
  X25519: Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
  ]),
  Ed25519: Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
  ]),
};

const PRIVATE_USAGES = { X25519: ['deriveBits'], Ed25519: ['sign'] } as const;
const PUBLIC_USAGES = { X25519: [], Ed25519: ['verify'] } as const;

function wrap<A extends KeyAlgorithm>(algorithm: A, key: WebCryptoKey): PrivateKey<A> {
  return { algorithm, backend: 'webcrypto', extractable: key.extractable, handle: key };
}

/** The CryptoKey inside a handle, after checking it is one of ours and of the right algorithm. */
export function unwrapPrivateKey(key: PrivateKey, algorithm: KeyAlgorithm): WebCryptoKey {
  if (key?.backend !== 'webcrypto' || key.algorithm !== algorithm) {
    throw new CryptoError('invalid_private_key', `expected a WebCrypto ${algorithm} private key`);
  }
  if (!isWebCryptoKey(key.handle, algorithm)) throw new CryptoError('invalid_private_key');
  return key.handle;
}

export async function generateKeyPair<A extends KeyAlgorithm>(
  algorithm: A,
  options: KeyOptions = {},
): Promise<KeyPair<A>> {
  const { subtle } = platformCrypto();
  let pair;
  try {
    pair = await subtle.generateKey(
      { name: algorithm },
      options.extractable ?? false,
      PRIVATE_USAGES[algorithm],
    );
  } catch {
    throw new CryptoError('unsupported', `WebCrypto cannot generate ${algorithm} keys`);
  }
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { publicKey, privateKey: wrap(algorithm, pair.privateKey) };
}

export async function importKeyPair<A extends KeyAlgorithm>(
  algorithm: A,
  raw: Uint8Array,
  options: KeyOptions = {},
): Promise<KeyPair<A>> {
  requireLength(raw, 32, `${algorithm} private key`);
  const { subtle } = platformCrypto();
  const pkcs8 = concatBytes(PKCS8_PREFIX[algorithm], raw);
  const usages = PRIVATE_USAGES[algorithm];
  try {
    const readable = await subtle.importKey('pkcs8', pkcs8, { name: algorithm }, true, usages);
    const { x } = await subtle.exportKey('jwk', readable);
    if (x === undefined) throw new CryptoError('unsupported');
    const publicKey = decodeBase64url(x);
    const privateKey = options.extractable
      ? readable
      : await subtle.importKey('pkcs8', pkcs8, { name: algorithm }, false, usages);
    return { publicKey, privateKey: wrap(algorithm, privateKey) };
  } catch {
    throw new CryptoError('invalid_private_key', `WebCrypto refused the ${algorithm} key`);
  } finally {
    pkcs8.fill(0);
  }
}

export async function exportPrivateKey(key: PrivateKey): Promise<Uint8Array> {
  const cryptoKey = unwrapPrivateKey(key, key.algorithm);
  if (!cryptoKey.extractable) throw new CryptoError('not_extractable');
  const { d } = await platformCrypto().subtle.exportKey('jwk', cryptoKey);
  if (d === undefined) throw new CryptoError('invalid_private_key');
  return decodeBase64url(d);
}

/** A peer's raw public key as a CryptoKey; `invalid_public_key` if WebCrypto refuses it. */
export async function importPublicKey(
  algorithm: KeyAlgorithm,
  publicKey: Uint8Array,
): Promise<WebCryptoKey> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new CryptoError('invalid_public_key', `${algorithm} public keys are 32 bytes`);
  }
  try {
    return await platformCrypto().subtle.importKey(
      'raw',
      publicKey,
      { name: algorithm },
      true,
      PUBLIC_USAGES[algorithm],
    );
  } catch {
    throw new CryptoError('invalid_public_key');
  }
}
