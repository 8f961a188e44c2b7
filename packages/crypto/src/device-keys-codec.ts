/**
 * The JSON form of {@link DeviceKeys} for stores that cannot hold private key handles (a Node
 * file store, mode 0600). It holds every private key as raw bytes, so it exists only for keys
 * created with `extractable: true` (`not_extractable` otherwise) and is as secret as they are.
 * Reading it back is strict: each private key must match the public key stored beside it, and the
 * identity's signature must verify (`malformed` / `bad_signature` otherwise). Browsers store the
 * `DeviceKeys` object itself (structured clone) and keep their keys non-extractable.
 */
import type { CryptoBackend } from './backend.js';
import { encodeBase64url } from './base64url.js';
import { CryptoError } from './errors.js';
import type { DeviceKeys } from './device-keys.js';
import { verifyPublicIdentity, type Identity } from './identity.js';
import { jsonBytes, jsonObject, jsonU32, jsonVersion } from './json-fields.js';
import {
  ed25519FromJSON,
  kemPrekeyFromJSON,
  kemPrekeyToJSON,
  keyPairToJSON,
  signedPrekeyFromJSON,
  signedPrekeyToJSON,
  x25519FromJSON,
  type KemPrekeyJSON,
  type KeyPairJSON,
  type SignedPrekeyJSON,
} from './private-prekeys-codec.js';

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

const b64 = encodeBase64url;

export async function deviceKeysToJSON(
  crypto: CryptoBackend,
  keys: DeviceKeys,
): Promise<DeviceKeysJSON> {
  const pair = (p: Parameters<typeof keyPairToJSON>[1]) => keyPairToJSON(crypto, p);
  const kem = kemPrekeyToJSON;
  const signed = (k: Parameters<typeof signedPrekeyToJSON>[1]) => signedPrekeyToJSON(crypto, k);
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
  const x25519 = (raw: unknown) => x25519FromJSON(crypto, raw);
  const idRecord = jsonObject(record['identity'], ['signingKey', 'dhKey', 'signature'], 'identity');
  const identity: Identity = {
    signingKey: await ed25519FromJSON(crypto, idRecord['signingKey']),
    dhKey: await x25519(idRecord['dhKey']),
    signature: jsonBytes(idRecord, 'signature', 64),
  };
  await verifyPublicIdentity(crypto, {
    signingKey: identity.signingKey.publicKey,
    dhKey: identity.dhKey.publicKey,
    signature: identity.signature,
  });
  const signedFromJSON = (raw: unknown) => signedPrekeyFromJSON(crypto, raw);
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
    kemLastResort: kemPrekeyFromJSON(record['kemLastResort']),
    oneTimePrekeys,
    kemOneTimePrekeys: jsonArray(record['kemOneTimePrekeys'], 'kemOneTimePrekeys').map(
      kemPrekeyFromJSON,
    ),
    ...(previous && {
      previous: {
        signedPrekey: await signedFromJSON(previous['signedPrekey']),
        kemLastResort: kemPrekeyFromJSON(previous['kemLastResort']),
      },
    }),
  };
}

function jsonArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new CryptoError('malformed', `${what} must be an array`);
  return value as unknown[];
}
