/**
 * Prekeys (PQXDH §2.4): a signed X25519 prekey, one-time X25519 prekeys and signed ML-KEM-768
 * prekeys (one last-resort key reused until replaced, and one-time ones). Ids are 32-bit unsigned
 * integers chosen by the owner; the signatures bind each id to its key.
 */
import type { CryptoBackend, KeyOptions, KeyPair, MlKemKeyPair } from './backend.js';
import { CryptoError } from './errors.js';
import type { Identity } from './identity.js';
import { kemPrekeyPayload, signedPrekeyPayload } from './signature-payloads.js';
import { u32Bytes } from './wire-reader.js';

export interface SignedPrekey {
  readonly id: number;
  readonly keyPair: KeyPair<'X25519'>;
  readonly signature: Uint8Array;
}

export interface OneTimePrekey {
  readonly id: number;
  readonly keyPair: KeyPair<'X25519'>;
}

export interface KemPrekey {
  readonly id: number;
  /** A last-resort key is used when no one-time KEM prekey is left, and is not deleted on use. */
  readonly lastResort: boolean;
  readonly keyPair: MlKemKeyPair;
  readonly signature: Uint8Array;
}

export interface SignedPrekeyPublic {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export interface OneTimePrekeyPublic {
  readonly id: number;
  readonly publicKey: Uint8Array;
}

export interface KemPrekeyPublic {
  readonly id: number;
  readonly lastResort: boolean;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export async function createSignedPrekey(
  crypto: CryptoBackend,
  identity: Identity,
  id: number,
  options: KeyOptions = {},
): Promise<SignedPrekey> {
  u32Bytes(id);
  const keyPair = await crypto.generateX25519(options);
  const payload = signedPrekeyPayload(id, keyPair.publicKey);
  const signature = await crypto.signEd25519(identity.signingKey.privateKey, payload);
  return { id, keyPair, signature };
}

/** `count` one-time prekeys with the ids `firstId`, `firstId + 1`, … */
export async function createOneTimePrekeys(
  crypto: CryptoBackend,
  firstId: number,
  count: number,
  options: KeyOptions = {},
): Promise<OneTimePrekey[]> {
  if (!Number.isInteger(count) || count < 0) throw new CryptoError('invalid_input', 'bad count');
  u32Bytes(firstId + Math.max(count - 1, 0));
  const prekeys: OneTimePrekey[] = [];
  for (let i = 0; i < count; i++) {
    prekeys.push({ id: firstId + i, keyPair: await crypto.generateX25519(options) });
  }
  return prekeys;
}

export async function createKemPrekey(
  crypto: CryptoBackend,
  identity: Identity,
  id: number,
  lastResort: boolean,
): Promise<KemPrekey> {
  u32Bytes(id);
  const keyPair = await crypto.generateMlKem768();
  const payload = kemPrekeyPayload(id, lastResort, keyPair.publicKey);
  const signature = await crypto.signEd25519(identity.signingKey.privateKey, payload);
  return { id, lastResort, keyPair, signature };
}

export function publicSignedPrekey(prekey: SignedPrekey): SignedPrekeyPublic {
  const { id, keyPair, signature } = prekey;
  return { id, publicKey: new Uint8Array(keyPair.publicKey), signature: new Uint8Array(signature) };
}

export function publicOneTimePrekey(prekey: OneTimePrekey): OneTimePrekeyPublic {
  return { id: prekey.id, publicKey: new Uint8Array(prekey.keyPair.publicKey) };
}

export function publicKemPrekey(prekey: KemPrekey): KemPrekeyPublic {
  const { id, lastResort, keyPair, signature } = prekey;
  return {
    id,
    lastResort,
    publicKey: new Uint8Array(keyPair.publicKey),
    signature: new Uint8Array(signature),
  };
}
