/**
 * JSON forms of private key pairs and prekeys, for stores that hold raw bytes (extractable keys
 * only; `not_extractable` otherwise). Reading back is strict: each private key must match the
 * public key stored beside it (`malformed`).
 */
import type { CryptoBackend, KeyPair, PrivateKey } from './backend.js';
import { encodeBase64url } from './base64url.js';
import { constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import { jsonBoolean, jsonBytes, jsonObject, jsonU32 } from './json-fields.js';
import { ML_KEM_768 } from './ml-kem.js';
import type { KemPrekey, SignedPrekey } from './prekeys.js';

export interface KeyPairJSON {
  publicKey: string;
  privateKey: string;
}

export interface SignedPrekeyJSON {
  id: number;
  keyPair: KeyPairJSON;
  signature: string;
}

export interface KemPrekeyJSON {
  id: number;
  lastResort: boolean;
  publicKey: string;
  secretKey: string;
  signature: string;
}

const b64 = encodeBase64url;
/** Keys read back from bytes stay exportable: the store they came from needs bytes again. */
const extractable = { extractable: true };

export async function keyPairToJSON<A extends 'X25519' | 'Ed25519'>(
  crypto: CryptoBackend,
  pair: KeyPair<A>,
): Promise<KeyPairJSON> {
  return {
    publicKey: b64(pair.publicKey),
    privateKey: b64(await crypto.exportPrivateKey(pair.privateKey as PrivateKey)),
  };
}

export function x25519FromJSON(crypto: CryptoBackend, value: unknown) {
  return pairFromJSON(value, (raw) => crypto.importX25519(raw, extractable));
}

export function ed25519FromJSON(crypto: CryptoBackend, value: unknown) {
  return pairFromJSON(value, (raw) => crypto.importEd25519(raw, extractable));
}

/** Imports the private key and checks it against the public key stored beside it. */
async function pairFromJSON<A extends 'X25519' | 'Ed25519'>(
  value: unknown,
  importKey: (privateKey: Uint8Array) => Promise<KeyPair<A>>,
): Promise<KeyPair<A>> {
  const json = jsonObject(value, ['publicKey', 'privateKey'], 'key pair');
  const pair = await importKey(jsonBytes(json, 'privateKey', 32));
  if (!constantTimeEqual(pair.publicKey, jsonBytes(json, 'publicKey', 32))) {
    throw new CryptoError('malformed', 'a private key does not match its public key');
  }
  return pair;
}

export async function signedPrekeyToJSON(
  crypto: CryptoBackend,
  prekey: SignedPrekey,
): Promise<SignedPrekeyJSON> {
  return {
    id: prekey.id,
    keyPair: await keyPairToJSON(crypto, prekey.keyPair),
    signature: b64(prekey.signature),
  };
}

export async function signedPrekeyFromJSON(
  crypto: CryptoBackend,
  value: unknown,
): Promise<SignedPrekey> {
  const json = jsonObject(value, ['id', 'keyPair', 'signature'], 'signed prekey');
  return {
    id: jsonU32(json, 'id'),
    keyPair: await x25519FromJSON(crypto, json['keyPair']),
    signature: jsonBytes(json, 'signature', 64),
  };
}

export function kemPrekeyToJSON(prekey: KemPrekey): KemPrekeyJSON {
  return {
    id: prekey.id,
    lastResort: prekey.lastResort,
    publicKey: b64(prekey.keyPair.publicKey),
    secretKey: b64(prekey.keyPair.secretKey),
    signature: b64(prekey.signature),
  };
}

export function kemPrekeyFromJSON(value: unknown): KemPrekey {
  const json = jsonObject(
    value,
    ['id', 'lastResort', 'publicKey', 'secretKey', 'signature'],
    'KEM prekey',
  );
  return {
    id: jsonU32(json, 'id'),
    lastResort: jsonBoolean(json, 'lastResort'),
    keyPair: {
      publicKey: jsonBytes(json, 'publicKey', ML_KEM_768.publicKeyLength),
      secretKey: jsonBytes(json, 'secretKey', ML_KEM_768.secretKeyLength),
    },
    signature: jsonBytes(json, 'signature', 64),
  };
}
