/** Test helpers: two parties with identities and prekeys, and an established session. */
import type { CryptoBackend } from '../backend.js';
import { createBundle, type PrekeyBundle } from '../bundle.js';
import { encodeBase64url } from '../base64url.js';
import { createIdentity, type Identity } from '../identity.js';
import { decodeInitialMessage } from '../initial-message.js';
import { acceptInitialMessage } from '../pqxdh-responder.js';
import { initiateSession } from '../pqxdh-initiator.js';
import {
  createKemPrekey,
  createOneTimePrekeys,
  createSignedPrekey,
  type KemPrekey,
  type OneTimePrekey,
  type SignedPrekey,
} from '../prekeys.js';
import { encrypt } from '../session.js';
import type { SessionState } from '../session-state.js';
import { utf8 } from '../utf8.js';

export interface Responder {
  readonly identity: Identity;
  readonly signedPrekey: SignedPrekey;
  readonly kemPrekey: KemPrekey;
  readonly oneTimePrekey: OneTimePrekey | undefined;
  readonly bundle: PrekeyBundle;
}

export async function makeResponder(
  crypto: CryptoBackend,
  { oneTime = true, lastResort = false } = {},
): Promise<Responder> {
  const identity = await createIdentity(crypto);
  const signedPrekey = await createSignedPrekey(crypto, identity, 1);
  const kemPrekey = await createKemPrekey(crypto, identity, 100, lastResort);
  const [oneTimePrekey] = oneTime ? await createOneTimePrekeys(crypto, 1000, 1) : [];
  const bundle = createBundle(identity, signedPrekey, kemPrekey, oneTimePrekey ?? null);
  return { identity, signedPrekey, kemPrekey, oneTimePrekey, bundle };
}

export function acceptOptions(
  responder: Responder,
  extra: { psk?: Uint8Array; extractable?: boolean } = {},
) {
  const { identity, signedPrekey, kemPrekey, oneTimePrekey } = responder;
  return {
    identity,
    signedPrekey,
    kemPrekey,
    ...(oneTimePrekey === undefined ? {} : { oneTimePrekey }),
    ...extra,
  };
}

export interface Established {
  readonly alice: SessionState;
  readonly bob: SessionState;
  readonly first: Uint8Array;
  readonly responder: Responder;
  readonly aliceIdentity: Identity;
}

/** Alice initiates with Bob's bundle and sends "hello"; Bob accepts it. */
export async function establish(
  crypto: CryptoBackend,
  options: { psk?: Uint8Array; extractable?: boolean; oneTime?: boolean } = {},
): Promise<Established> {
  const { psk, extractable = false, oneTime = true } = options;
  const responder = await makeResponder(crypto, { oneTime });
  const aliceIdentity = await createIdentity(crypto);
  const extra = { ...(psk === undefined ? {} : { psk }), extractable };
  const started = await initiateSession(crypto, {
    identity: aliceIdentity,
    bundle: responder.bundle,
    ...extra,
  });
  const { state: alice, message: first } = await encrypt(crypto, started, utf8('hello'));
  const accepted = await acceptInitialMessage(
    crypto,
    acceptOptions(responder, extra),
    decodeInitialMessage(first),
  );
  return { alice, bob: accepted.state, first, responder, aliceIdentity };
}

/** Everything in a state but the private key handle, for before/after comparisons. */
export function snapshot(state: SessionState): string {
  return JSON.stringify(state, (key, value: unknown) => {
    if (key === 'privateKey') return '<handle>';
    return value instanceof Uint8Array ? encodeBase64url(value) : value;
  });
}

export const text = (value: string) => utf8(value);
export const decodeText = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
