/**
 * A device's own keys: its identity and the private halves of the prekeys it has published, which
 * it needs to answer PQXDH initial messages. Ids: the signed prekey and the last-resort ML-KEM
 * prekey start at 1 and rise on rotation; one-time X25519 prekeys count from 1 and one-time ML-KEM
 * prekeys from 2 (they share one id space with the last-resort key on the directory).
 */
import type { CryptoBackend, KeyOptions } from './backend.js';
import { encodeBase64url } from './base64url.js';
import { CryptoError } from './errors.js';
import { createIdentity, publicIdentity, type Identity } from './identity.js';
import { publicIdentityToJSON, type PublicIdentityJSON } from './identity-codec.js';
import type { InitialMessage } from './initial-message.js';
import type { AcceptOptions, AcceptResult } from './pqxdh-responder.js';
import {
  createKemPrekey,
  createOneTimePrekeys,
  createSignedPrekey,
  type KemPrekey,
  type OneTimePrekey,
  type SignedPrekey,
} from './prekeys.js';

export interface DeviceKeys {
  readonly identity: Identity;
  readonly signedPrekey: SignedPrekey;
  readonly kemLastResort: KemPrekey;
  readonly oneTimePrekeys: readonly OneTimePrekey[];
  readonly kemOneTimePrekeys: readonly KemPrekey[];
  /** The signed and last-resort prekeys before the last rotation (see `rotateSignedPrekeys`). */
  readonly previous?: PreviousPrekeys;
}

/**
 * Replaced prekeys, kept for one more rotation period: someone may have fetched a bundle with
 * them just before the rotation and send the initial message later.
 */
export interface PreviousPrekeys {
  readonly signedPrekey: SignedPrekey;
  readonly kemLastResort: KemPrekey;
}

/** The public half, in the JSON form the key directory takes (`PUT /api/keys`). */
export interface DevicePublicKeysJSON {
  readonly identity: PublicIdentityJSON;
  readonly signedPrekey: { id: number; publicKey: string; signature: string };
  readonly kemLastResort: KemPrekeyJSON;
  readonly oneTimePrekeys: { id: number; publicKey: string }[];
  readonly kemOneTimePrekeys: KemPrekeyJSON[];
}

interface KemPrekeyJSON {
  id: number;
  lastResort: boolean;
  publicKey: string;
  signature: string;
}

export async function createDeviceKeys(
  crypto: CryptoBackend,
  counts: { oneTime: number; kemOneTime: number },
  options: KeyOptions = {},
): Promise<DeviceKeys> {
  const identity = await createIdentity(crypto, options);
  const keys: DeviceKeys = {
    identity,
    signedPrekey: await createSignedPrekey(crypto, identity, 1, options),
    kemLastResort: await createKemPrekey(crypto, identity, 1, true),
    oneTimePrekeys: [],
    kemOneTimePrekeys: [],
  };
  return addOneTimePrekeys(crypto, keys, counts, options);
}

/** More one-time prekeys of each kind, numbered after the highest ones the device has had. */
export async function addOneTimePrekeys(
  crypto: CryptoBackend,
  keys: DeviceKeys,
  counts: { oneTime: number; kemOneTime: number },
  options: KeyOptions = {},
): Promise<DeviceKeys> {
  const nextOneTime = Math.max(0, ...keys.oneTimePrekeys.map((k) => k.id)) + 1;
  const nextKem =
    Math.max(1, keys.kemLastResort.id, ...keys.kemOneTimePrekeys.map((k) => k.id)) + 1;
  const kems: KemPrekey[] = [];
  for (let i = 0; i < counts.kemOneTime; i++) {
    kems.push(await createKemPrekey(crypto, keys.identity, nextKem + i, false));
  }
  return {
    ...keys,
    oneTimePrekeys: [
      ...keys.oneTimePrekeys,
      ...(await createOneTimePrekeys(crypto, nextOneTime, counts.oneTime, options)),
    ],
    kemOneTimePrekeys: [...keys.kemOneTimePrekeys, ...kems],
  };
}

/**
 * A new signed prekey and last-resort ML-KEM prekey (ids after the highest so far); the replaced
 * ones become `previous`, and the ones before those are forgotten.
 */
export async function rotateSignedPrekeys(
  crypto: CryptoBackend,
  keys: DeviceKeys,
  options: KeyOptions = {},
): Promise<DeviceKeys> {
  const nextKem = Math.max(keys.kemLastResort.id, ...keys.kemOneTimePrekeys.map((k) => k.id)) + 1;
  return {
    ...keys,
    signedPrekey: await createSignedPrekey(
      crypto,
      keys.identity,
      keys.signedPrekey.id + 1,
      options,
    ),
    kemLastResort: await createKemPrekey(crypto, keys.identity, nextKem, true),
    previous: { signedPrekey: keys.signedPrekey, kemLastResort: keys.kemLastResort },
  };
}

/** What to publish. `only` limits the one-time prekeys to those with these ids (new ones). */
export function devicePublicKeys(
  keys: DeviceKeys,
  only?: { oneTime: ReadonlySet<number>; kemOneTime: ReadonlySet<number> },
): DevicePublicKeysJSON {
  const b64 = encodeBase64url;
  const kem = (k: KemPrekey): KemPrekeyJSON => ({
    id: k.id,
    lastResort: k.lastResort,
    publicKey: b64(k.keyPair.publicKey),
    signature: b64(k.signature),
  });
  return {
    identity: publicIdentityToJSON(publicIdentity(keys.identity)),
    signedPrekey: {
      id: keys.signedPrekey.id,
      publicKey: b64(keys.signedPrekey.keyPair.publicKey),
      signature: b64(keys.signedPrekey.signature),
    },
    kemLastResort: kem(keys.kemLastResort),
    oneTimePrekeys: keys.oneTimePrekeys
      .filter((k) => only?.oneTime.has(k.id) ?? true)
      .map((k) => ({ id: k.id, publicKey: b64(k.keyPair.publicKey) })),
    kemOneTimePrekeys: keys.kemOneTimePrekeys
      .filter((k) => only?.kemOneTime.has(k.id) ?? true)
      .map(kem),
  };
}

/** The prekeys an initial message names, for `acceptInitialMessage`; `unknown_prekey` if gone. */
export function acceptOptionsFor(
  keys: DeviceKeys,
  message: InitialMessage,
  extra: Pick<AcceptOptions, 'psk' | 'extractable'> = {},
): AcceptOptions {
  const lastResorts = [keys.kemLastResort, ...(keys.previous ? [keys.previous.kemLastResort] : [])];
  const kemPrekey = [...lastResorts, ...keys.kemOneTimePrekeys].find(
    (k) => k.id === message.kemPrekeyId,
  );
  const signedPrekey = [
    keys.signedPrekey,
    ...(keys.previous ? [keys.previous.signedPrekey] : []),
  ].find((k) => k.id === message.signedPrekeyId);
  const oneTimePrekey =
    message.oneTimePrekeyId === null
      ? undefined
      : keys.oneTimePrekeys.find((k) => k.id === message.oneTimePrekeyId);
  if (!signedPrekey || !kemPrekey || (message.oneTimePrekeyId !== null && !oneTimePrekey)) {
    throw new CryptoError('unknown_prekey', 'the message names prekeys this device does not hold');
  }
  return {
    identity: keys.identity,
    signedPrekey,
    kemPrekey,
    ...(oneTimePrekey ? { oneTimePrekey } : {}),
    ...extra,
  };
}

/** The keys without the one-time prekeys a new session used: store this with the session. */
export function withoutUsedPrekeys(
  keys: DeviceKeys,
  used: AcceptResult['usedPrekeys'],
): DeviceKeys {
  return {
    ...keys,
    oneTimePrekeys: keys.oneTimePrekeys.filter((k) => k.id !== used.oneTimePrekeyId),
    kemOneTimePrekeys: used.kemPrekeyIsLastResort
      ? keys.kemOneTimePrekeys
      : keys.kemOneTimePrekeys.filter((k) => k.id !== used.kemPrekeyId),
  };
}
