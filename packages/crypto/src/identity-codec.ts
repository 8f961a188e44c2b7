/**
 * Byte and JSON forms of a {@link PublicIdentity}. Bytes: Ed25519 key (32) ‖ X25519 key (32) ‖
 * signature (64), 128 bytes. JSON: `{ signingKey, dhKey, signature }` in unpadded base64url.
 * Decoding checks lengths only; {@link verifyPublicIdentity} checks the keys and the signature.
 */
import { encodeBase64url } from './base64url.js';
import { concatBytes } from './bytes.js';
import type { PublicIdentity } from './identity.js';
import { jsonBytes, jsonObject } from './json-fields.js';
import type { WireReader } from './wire-reader.js';

export const PUBLIC_IDENTITY_LENGTH = 128;

export interface PublicIdentityJSON {
  readonly signingKey: string;
  readonly dhKey: string;
  readonly signature: string;
}

export function encodePublicIdentity(identity: PublicIdentity): Uint8Array {
  return concatBytes(identity.signingKey, identity.dhKey, identity.signature);
}

export function readPublicIdentity(reader: WireReader): PublicIdentity {
  return {
    signingKey: reader.bytesOf(32),
    dhKey: reader.bytesOf(32),
    signature: reader.bytesOf(64),
  };
}

export function publicIdentityToJSON(identity: PublicIdentity): PublicIdentityJSON {
  return {
    signingKey: encodeBase64url(identity.signingKey),
    dhKey: encodeBase64url(identity.dhKey),
    signature: encodeBase64url(identity.signature),
  };
}

export function publicIdentityFromJSON(value: unknown): PublicIdentity {
  const record = jsonObject(value, ['signingKey', 'dhKey', 'signature'], 'identity');
  return {
    signingKey: jsonBytes(record, 'signingKey', 32),
    dhKey: jsonBytes(record, 'dhKey', 32),
    signature: jsonBytes(record, 'signature', 64),
  };
}
