/**
 * Byte and JSON forms of a {@link PrekeyBundle}. Decoding is strict (exact lengths, no trailing
 * bytes, no unknown JSON keys) but does not verify: call `verifyBundle` before use.
 *
 * Bytes (version 1), integers big-endian:
 *
 *     u8  version = 0x01
 *     128 identity (Ed25519 key ‖ X25519 key ‖ signature)
 *     u32 signed prekey id ‖ 32 X25519 key ‖ 64 signature
 *     u32 KEM prekey id ‖ u8 lastResort (0|1) ‖ 1184 ML-KEM-768 key ‖ 64 signature
 *     u8  one-time prekey present (0|1) [‖ u32 id ‖ 32 X25519 key]
 */
import { encodeBase64url } from './base64url.js';
import type { PrekeyBundle } from './bundle.js';
import { concatBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import {
  encodePublicIdentity,
  publicIdentityFromJSON,
  publicIdentityToJSON,
  readPublicIdentity,
  type PublicIdentityJSON,
} from './identity-codec.js';
import { jsonBoolean, jsonBytes, jsonObject, jsonU32, jsonVersion } from './json-fields.js';
import { ML_KEM_768 } from './ml-kem.js';
import { u32Bytes, WireReader } from './wire-reader.js';

export const BUNDLE_VERSION = 1;

export interface PrekeyBundleJSON {
  readonly version: 1;
  readonly identity: PublicIdentityJSON;
  readonly signedPrekey: {
    readonly id: number;
    readonly publicKey: string;
    readonly signature: string;
  };
  readonly kemPrekey: {
    readonly id: number;
    readonly lastResort: boolean;
    readonly publicKey: string;
    readonly signature: string;
  };
  readonly oneTimePrekey: { readonly id: number; readonly publicKey: string } | null;
}

export function encodeBundle(bundle: PrekeyBundle): Uint8Array {
  const { identity, signedPrekey: spk, kemPrekey: kem, oneTimePrekey: otp } = bundle;
  return concatBytes(
    Uint8Array.of(BUNDLE_VERSION),
    encodePublicIdentity(identity),
    u32Bytes(spk.id),
    spk.publicKey,
    spk.signature,
    u32Bytes(kem.id),
    Uint8Array.of(kem.lastResort ? 1 : 0),
    kem.publicKey,
    kem.signature,
    otp === null
      ? Uint8Array.of(0)
      : concatBytes(Uint8Array.of(1), u32Bytes(otp.id), otp.publicKey),
  );
}

export function decodeBundle(bytes: Uint8Array): PrekeyBundle {
  const reader = new WireReader(bytes);
  if (reader.u8() !== BUNDLE_VERSION) {
    throw new CryptoError('unsupported_version', 'unknown bundle version');
  }
  const identity = readPublicIdentity(reader);
  const signedPrekey = {
    id: reader.u32(),
    publicKey: reader.bytesOf(32),
    signature: reader.bytesOf(64),
  };
  const kemPrekey = {
    id: reader.u32(),
    lastResort: reader.flag(),
    publicKey: reader.bytesOf(ML_KEM_768.publicKeyLength),
    signature: reader.bytesOf(64),
  };
  const oneTimePrekey = reader.flag() ? { id: reader.u32(), publicKey: reader.bytesOf(32) } : null;
  reader.end();
  return { identity, signedPrekey, kemPrekey, oneTimePrekey };
}

export function bundleToJSON(bundle: PrekeyBundle): PrekeyBundleJSON {
  const { identity, signedPrekey: spk, kemPrekey: kem, oneTimePrekey: otp } = bundle;
  return {
    version: BUNDLE_VERSION,
    identity: publicIdentityToJSON(identity),
    signedPrekey: {
      id: spk.id,
      publicKey: encodeBase64url(spk.publicKey),
      signature: encodeBase64url(spk.signature),
    },
    kemPrekey: {
      id: kem.id,
      lastResort: kem.lastResort,
      publicKey: encodeBase64url(kem.publicKey),
      signature: encodeBase64url(kem.signature),
    },
    oneTimePrekey: otp === null ? null : { id: otp.id, publicKey: encodeBase64url(otp.publicKey) },
  };
}

export function bundleFromJSON(value: unknown): PrekeyBundle {
  const keys = ['version', 'identity', 'signedPrekey', 'kemPrekey', 'oneTimePrekey'];
  const record = jsonObject(value, keys, 'bundle');
  jsonVersion(record, BUNDLE_VERSION);
  const spk = jsonObject(record['signedPrekey'], ['id', 'publicKey', 'signature'], 'signedPrekey');
  const kemKeys = ['id', 'lastResort', 'publicKey', 'signature'];
  const kem = jsonObject(record['kemPrekey'], kemKeys, 'kemPrekey');
  const otp =
    record['oneTimePrekey'] === null
      ? null
      : jsonObject(record['oneTimePrekey'], ['id', 'publicKey'], 'oneTimePrekey');
  return {
    identity: publicIdentityFromJSON(record['identity']),
    signedPrekey: {
      id: jsonU32(spk, 'id'),
      publicKey: jsonBytes(spk, 'publicKey', 32),
      signature: jsonBytes(spk, 'signature', 64),
    },
    kemPrekey: {
      id: jsonU32(kem, 'id'),
      lastResort: jsonBoolean(kem, 'lastResort'),
      publicKey: jsonBytes(kem, 'publicKey', ML_KEM_768.publicKeyLength),
      signature: jsonBytes(kem, 'signature', 64),
    },
    oneTimePrekey:
      otp === null ? null : { id: jsonU32(otp, 'id'), publicKey: jsonBytes(otp, 'publicKey', 32) },
  };
}
