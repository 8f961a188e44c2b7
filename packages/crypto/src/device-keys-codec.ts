/**
 * The JSON form of {@link DeviceKeys} for stores that cannot hold private key handles (a Node
 * file store, mode 0600). It holds every private key as raw bytes, so it exists only for keys
 * created with `extractable: true` (`not_extractable` otherwise) and is as secret as they are.
 * Reading it back is strict: each private key must match the public key stored beside it, and the
 * identity's signature must verify (`malformed` / `bad_signature` otherwise). Browsers store the
 * `DeviceKeys` object itself (structured clone) and keep their keys non-extractable.
 */
import type { CryptoBackend, KeyPair, PrivateKey } from './backend.js';
import { encodeBase64url } from './base64url.js';
import { constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import type { DeviceKeys } from './device-keys.js';
import { verifyPublicIdentity, type Identity } from './identity.js';
import { jsonBoolean, jsonBytes, jsonObject, jsonU32, jsonVersion } from './json-fields.js';
import type { KemPrekey, SignedPrekey } from './prekeys.js';
import { ML_KEM_768 } from './ml-kem.js';

interface KeyPairJSON {
  publicKey: string;
  privateKey: string;
}

interface KemPrekeyJSON {
  id: number;
  lastResort: boolean;
  publicKey: string;
  secretKey: string;
  signature: string;
}

export interface DeviceKeysJSON {
  version: 1;
  identity: { signingKey: KeyPairJSON; dhKey: KeyPairJSON; signature: string };
  signedPrekey: SignedPrekeyJSON;
  kemLastResort: KemPrekeyJSON;
  oneTimePrekeys: { id: number; keyPair: KeyPairJSON }[];
  kemOneTimePrekeys: KemPrekeyJSON[];
  /** Absent until the first rotation. */
  previous?: { signedPrekey: SignedPrekeyJSON; kemLastResort: KemPrekeyJSON };
}

interface SignedPrekeyJSON {
  id: number;
  keyPair: KeyPairJSON;
  signature: string;
}

const b64 = encodeBase64url;

export async function deviceKeysToJSON(
  crypto: CryptoBackend,
  keys: DeviceKeys,
): Promise<DeviceKeysJSON> {
  const pair = async <A extends 'X25519' | 'Ed25519'>(p: KeyPair<A>): Promise<KeyPairJSON> => ({
    publicKey: b64(p.publicKey),
    privateKey: b64(await crypto.exportPrivateKey(p.privateKey as PrivateKey)),
  });
  const kem = (k: KemPrekey): KemPrekeyJSON => ({
    id: k.id,
    lastResort: k.lastResort,
    publicKey: b64(k.keyPair.publicKey),
    secretKey: b64(k.keyPair.secretKey),
    signature: b64(k.signature),
  });
  const signed = async (k: SignedPrekey): Promise<SignedPrekeyJSON> => ({
    id: k.id,
    keyPair: await pair(k.keyPair),
    signature: b64(k.signature),
  });
  const oneTimePrekeys = [];
  for (const k of keys.oneTimePrekeys)
    oneTimePrekeys.push({ id: k.id, keyPair: await pair(k.keyPair) });
  return {
    version: 1,
    identity: {
      signingKey: await pair(keys.identity.signingKey),
      dhKey: await pair(keys.identity.dhKey),
      signature: b64(keys.identity.signature),
    },
    signedPrekey: await signed(keys.signedPrekey),
    kemLastResort: kem(keys.kemLastResort),
    oneTimePrekeys,
    kemOneTimePrekeys: keys.kemOneTimePrekeys.map(kem),
    ...(keys.previous && {
      previous: {
        signedPrekey: await signed(keys.previous.signedPrekey),
        kemLastResort: kem(keys.previous.kemLastResort),
      },
    }),
  };
}

export async function deviceKeysFromJSON(
  crypto: CryptoBackend,
  value: unknown,
): Promise<DeviceKeys> {
  const fields = [
    'version',
    'identity',
    'signedPrekey',
    'kemLastResort',
    'oneTimePrekeys',
    'kemOneTimePrekeys',
  ];
  const hasPrevious =
    typeof value === 'object' && value !== null && Object.hasOwn(value, 'previous');
  const record = jsonObject(value, hasPrevious ? [...fields, 'previous'] : fields, 'device keys');
  jsonVersion(record, 1);
  const options = { extractable: true };
  const x25519 = async (raw: unknown) => {
    const json = jsonObject(raw, ['publicKey', 'privateKey'], 'key pair');
    const keyPair = await crypto.importX25519(jsonBytes(json, 'privateKey', 32), options);
    return matching(keyPair, jsonBytes(json, 'publicKey', 32));
  };
  const idRecord = jsonObject(record['identity'], ['signingKey', 'dhKey', 'signature'], 'identity');
  const signingJson = jsonObject(idRecord['signingKey'], ['publicKey', 'privateKey'], 'key pair');
  const identity: Identity = {
    signingKey: matching(
      await crypto.importEd25519(jsonBytes(signingJson, 'privateKey', 32), options),
      jsonBytes(signingJson, 'publicKey', 32),
    ),
    dhKey: await x25519(idRecord['dhKey']),
    signature: jsonBytes(idRecord, 'signature', 64),
  };
  await verifyPublicIdentity(crypto, {
    signingKey: identity.signingKey.publicKey,
    dhKey: identity.dhKey.publicKey,
    signature: identity.signature,
  });
  const signedFromJSON = async (raw: unknown): Promise<SignedPrekey> => {
    const spk = jsonObject(raw, ['id', 'keyPair', 'signature'], 'signed prekey');
    return {
      id: jsonU32(spk, 'id'),
      keyPair: await x25519(spk['keyPair']),
      signature: jsonBytes(spk, 'signature', 64),
    };
  };
  const previous = hasPrevious
    ? jsonObject(record['previous'], ['signedPrekey', 'kemLastResort'], 'previous prekeys')
    : undefined;
  const oneTime = jsonArray(record['oneTimePrekeys'], 'oneTimePrekeys');
  const oneTimePrekeys = [];
  for (const item of oneTime) {
    const k = jsonObject(item, ['id', 'keyPair'], 'one-time prekey');
    oneTimePrekeys.push({ id: jsonU32(k, 'id'), keyPair: await x25519(k['keyPair']) });
  }
  return {
    identity,
    signedPrekey: await signedFromJSON(record['signedPrekey']),
    kemLastResort: kemFromJSON(record['kemLastResort']),
    oneTimePrekeys,
    kemOneTimePrekeys: jsonArray(record['kemOneTimePrekeys'], 'kemOneTimePrekeys').map(kemFromJSON),
    ...(previous && {
      previous: {
        signedPrekey: await signedFromJSON(previous['signedPrekey']),
        kemLastResort: kemFromJSON(previous['kemLastResort']),
      },
    }),
  };
}

function kemFromJSON(value: unknown): KemPrekey {
  const k = jsonObject(
    value,
    ['id', 'lastResort', 'publicKey', 'secretKey', 'signature'],
    'KEM prekey',
  );
  return {
    id: jsonU32(k, 'id'),
    lastResort: jsonBoolean(k, 'lastResort'),
    keyPair: {
      publicKey: jsonBytes(k, 'publicKey', ML_KEM_768.publicKeyLength),
      secretKey: jsonBytes(k, 'secretKey', ML_KEM_768.secretKeyLength),
    },
    signature: jsonBytes(k, 'signature', 64),
  };
}

function matching<A extends 'X25519' | 'Ed25519'>(keyPair: KeyPair<A>, publicKey: Uint8Array) {
  if (!constantTimeEqual(keyPair.publicKey, publicKey)) {
    throw new CryptoError('malformed', 'a private key does not match its public key');
  }
  return keyPair;
}

function jsonArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new CryptoError('malformed', `${what} must be an array`);
  return value as unknown[];
}
