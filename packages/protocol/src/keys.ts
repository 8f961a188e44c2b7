import * as v from 'valibot';
import { Id, Timestamp } from './primitives.js';

/**
 * The key directory's bodies (docs/protocol.md, "Key directory"). Keys travel as unpadded
 * base64url of their raw bytes, in the JSON forms of `packages/crypto` (bundle-codec.ts); the
 * server checks shapes and lengths only — signatures are for the clients to verify.
 */

/** One-time prekeys of each kind a device may hold on the server. */
export const MAX_ONE_TIME_PREKEYS = 200;
/** Below this many one-time prekeys of a kind the owner is told to upload more. */
export const PREKEY_LOW_WATER = 20;
/** One upload adds at most this many one-time prekeys of each kind. */
export const MAX_PREKEYS_PER_UPLOAD = 100;

/** Exactly `bytes` bytes as unpadded base64url. */
const bytesOf = (bytes: number) =>
  v.pipe(v.string(), v.length(Math.ceil((bytes * 4) / 3)), v.regex(/^[A-Za-z0-9_-]*$/));

export const PrekeyId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff));

export const PublicIdentityJson = v.strictObject({
  signingKey: bytesOf(32),
  dhKey: bytesOf(32),
  signature: bytesOf(64),
});
export type PublicIdentityJson = v.InferOutput<typeof PublicIdentityJson>;

export const SignedPrekeyJson = v.strictObject({
  id: PrekeyId,
  publicKey: bytesOf(32),
  signature: bytesOf(64),
});
export type SignedPrekeyJson = v.InferOutput<typeof SignedPrekeyJson>;

export const KemPrekeyJson = v.strictObject({
  id: PrekeyId,
  lastResort: v.boolean(),
  publicKey: bytesOf(1184),
  signature: bytesOf(64),
});
export type KemPrekeyJson = v.InferOutput<typeof KemPrekeyJson>;

export const OneTimePrekeyJson = v.strictObject({ id: PrekeyId, publicKey: bytesOf(32) });
export type OneTimePrekeyJson = v.InferOutput<typeof OneTimePrekeyJson>;

const LastResortKem = v.pipe(
  KemPrekeyJson,
  v.check((k) => k.lastResort, 'the last-resort ML-KEM prekey must say so'),
);
const OneTimeKem = v.pipe(
  KemPrekeyJson,
  v.check((k) => !k.lastResort, 'a one-time ML-KEM prekey must not be last-resort'),
);
const OneTimePrekeys = v.pipe(v.array(OneTimePrekeyJson), v.maxLength(MAX_PREKEYS_PER_UPLOAD));
const OneTimeKems = v.pipe(v.array(OneTimeKem), v.maxLength(MAX_PREKEYS_PER_UPLOAD));

/**
 * `PUT /api/keys`: the device's identity with a full set of prekeys. A different identity than the
 * one on record replaces it and everything uploaded under it, and the user's chat peers are told.
 */
export const PublishKeysRequest = v.strictObject({
  identity: PublicIdentityJson,
  signedPrekey: SignedPrekeyJson,
  kemLastResort: LastResortKem,
  oneTimePrekeys: OneTimePrekeys,
  kemOneTimePrekeys: OneTimeKems,
});
export type PublishKeysRequest = v.InferOutput<typeof PublishKeysRequest>;

/** `POST /api/keys/prekeys`: more one-time prekeys for the identity on record. */
export const AddPrekeysRequest = v.strictObject({
  oneTimePrekeys: OneTimePrekeys,
  kemOneTimePrekeys: OneTimeKems,
});
export type AddPrekeysRequest = v.InferOutput<typeof AddPrekeysRequest>;

/** `PUT /api/keys/signed-prekey`: rotation of the signed prekey and the last-resort ML-KEM key. */
export const RotatePrekeysRequest = v.strictObject({
  signedPrekey: SignedPrekeyJson,
  kemLastResort: LastResortKem,
});
export type RotatePrekeysRequest = v.InferOutput<typeof RotatePrekeysRequest>;

/** `GET /api/keys`: what the server holds for the caller. */
export const KeyStatusResponse = v.object({
  /** Rises each time the user publishes a different identity; 0 before the first. */
  identityVersion: v.pipe(v.number(), v.integer(), v.minValue(0)),
  identity: v.nullable(PublicIdentityJson),
  signedPrekeyId: v.nullable(PrekeyId),
  signedPrekeyUploadedAt: v.nullable(Timestamp),
  oneTimePrekeys: v.number(),
  kemOneTimePrekeys: v.number(),
});
export type KeyStatusResponse = v.InferOutput<typeof KeyStatusResponse>;

/** The bundle as `packages/crypto`'s `bundleFromJSON` reads it. */
export const PrekeyBundleJson = v.strictObject({
  version: v.literal(1),
  identity: PublicIdentityJson,
  signedPrekey: SignedPrekeyJson,
  kemPrekey: KemPrekeyJson,
  oneTimePrekey: v.nullable(OneTimePrekeyJson),
});
export type PrekeyBundleJson = v.InferOutput<typeof PrekeyBundleJson>;

/**
 * `POST /api/users/:username/bundle`: a bundle to start a session with that user. It takes one
 * one-time prekey of each kind off the server (so it is a POST); when they have run out, the
 * bundle has no X25519 one-time prekey and carries the last-resort ML-KEM prekey.
 */
export const PrekeyBundleResponse = v.object({
  userId: Id,
  identityVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  bundle: PrekeyBundleJson,
});
export type PrekeyBundleResponse = v.InferOutput<typeof PrekeyBundleResponse>;
