/**
 * The bundle behind a guest link: the host's public identity, a signed prekey and an ML-KEM-768
 * prekey made for this invite alone, the invite's expiry and the display name guests see, all
 * bound by one signature of the host's identity key over `invitePayload` (signature-payloads.ts).
 * The server stores and serves it; the guest verifies it against the link (guest-link.ts) before
 * showing anything from it.
 */
import type { CryptoBackend, KeyOptions } from './backend.js';
import { encodeBase64url } from './base64url.js';
import { bundleFromJSON, bundleToJSON, type PrekeyBundleJSON } from './bundle-codec.js';
import { createBundle, verifyBundle, type PrekeyBundle } from './bundle.js';
import { constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import { inviteIdOf, linkMatchesHost, type GuestLink } from './guest-link.js';
import type { Identity } from './identity.js';
import { jsonBytes, jsonObject, jsonVersion } from './json-fields.js';
import {
  createKemPrekey,
  createSignedPrekey,
  type KemPrekey,
  type SignedPrekey,
} from './prekeys.js';
import { invitePayload } from './signature-payloads.js';
import { utf8 } from './utf8.js';

export const INVITE_BUNDLE_VERSION = 1;
/** Longest display name an invite may carry, in UTF-8 bytes (the app's own limit is lower). */
export const MAX_INVITE_NAME_BYTES = 256;

export interface InviteBundle {
  /** Host identity and the invite's prekeys; never a one-time X25519 prekey. */
  readonly prekeys: PrekeyBundle;
  readonly inviteId: Uint8Array;
  /** Milliseconds since the epoch, or null for an invite that does not expire. */
  readonly expiresAt: number | null;
  readonly displayName: string;
  readonly signature: Uint8Array;
}

/** The private halves the host keeps to answer guests' initial messages. */
export interface InviteKeys {
  readonly signedPrekey: SignedPrekey;
  readonly kemPrekey: KemPrekey;
}

export interface InviteTermsInput {
  readonly expiresAt: number | null;
  readonly displayName: string;
  /** A reusable link's ML-KEM prekey answers every guest (it is marked last-resort). */
  readonly reusable: boolean;
}

export async function createInvite(
  crypto: CryptoBackend,
  host: Identity,
  link: GuestLink,
  terms: InviteTermsInput,
  options: KeyOptions = {},
): Promise<{ bundle: InviteBundle; keys: InviteKeys }> {
  checkTerms(terms);
  if (!(await linkMatchesHost(crypto, link, host.signingKey.publicKey))) {
    throw new CryptoError('identity_mismatch', 'the link names another host');
  }
  const keys: InviteKeys = {
    signedPrekey: await createSignedPrekey(crypto, host, 1, options),
    kemPrekey: await createKemPrekey(crypto, host, 1, terms.reusable),
  };
  const prekeys = createBundle(host, keys.signedPrekey, keys.kemPrekey);
  const unsigned = {
    prekeys,
    inviteId: await inviteIdOf(crypto, link.secret),
    expiresAt: terms.expiresAt,
    displayName: terms.displayName,
  };
  const signature = await crypto.signEd25519(
    host.signingKey.privateKey,
    invitePayload({ ...unsigned, ...prekeys }),
  );
  return { bundle: { ...unsigned, signature }, keys };
}

/**
 * Fails closed unless the bundle is the one the link names: the host identity matches the link's
 * fingerprint (`identity_mismatch`), the invite id is the link's (`invite_mismatch`), and every
 * key and signature checks out (`bad_signature`, `invalid_public_key`, …). Expiry is the caller's
 * to compare with its clock.
 */
export async function verifyInvite(
  crypto: CryptoBackend,
  bundle: InviteBundle,
  link: GuestLink,
): Promise<void> {
  const { prekeys } = bundle;
  if (!(await linkMatchesHost(crypto, link, prekeys.identity.signingKey))) {
    throw new CryptoError('identity_mismatch', 'the invite belongs to another host');
  }
  if (!constantTimeEqual(await inviteIdOf(crypto, link.secret), bundle.inviteId)) {
    throw new CryptoError('invite_mismatch', 'the bundle is for another invite');
  }
  if (prekeys.oneTimePrekey !== null) {
    throw new CryptoError('malformed', 'an invite bundle has no one-time prekey');
  }
  checkTerms(bundle);
  await verifyBundle(crypto, prekeys);
  const ok = await crypto.verifyEd25519(
    prekeys.identity.signingKey,
    invitePayload({ ...bundle, ...prekeys }),
    bundle.signature,
  );
  if (!ok) throw new CryptoError('bad_signature', 'the invite signature is invalid');
}

export interface InviteBundleJSON {
  version: 1;
  prekeys: PrekeyBundleJSON;
  inviteId: string;
  expiresAt: number | null;
  displayName: string;
  signature: string;
}

export function inviteBundleToJSON(bundle: InviteBundle): InviteBundleJSON {
  return {
    version: INVITE_BUNDLE_VERSION,
    prekeys: bundleToJSON(bundle.prekeys),
    inviteId: encodeBase64url(bundle.inviteId),
    expiresAt: bundle.expiresAt,
    displayName: bundle.displayName,
    signature: encodeBase64url(bundle.signature),
  };
}

export function inviteBundleFromJSON(value: unknown): InviteBundle {
  const keys = ['version', 'prekeys', 'inviteId', 'expiresAt', 'displayName', 'signature'];
  const record = jsonObject(value, keys, 'invite bundle');
  jsonVersion(record, INVITE_BUNDLE_VERSION);
  const { expiresAt, displayName } = record;
  if (expiresAt !== null && !isTimestamp(expiresAt)) {
    throw new CryptoError('malformed', 'expiresAt must be a timestamp or null');
  }
  if (typeof displayName !== 'string') {
    throw new CryptoError('malformed', 'displayName must be a string');
  }
  const bundle = {
    prekeys: bundleFromJSON(record['prekeys']),
    inviteId: jsonBytes(record, 'inviteId', 16),
    expiresAt,
    displayName,
    signature: jsonBytes(record, 'signature', 64),
  };
  checkTerms(bundle);
  return bundle;
}

function checkTerms(terms: { expiresAt: number | null; displayName: string }): void {
  if (terms.expiresAt !== null && !isTimestamp(terms.expiresAt)) {
    throw new CryptoError('invalid_input', 'expiresAt must be a timestamp or null');
  }
  const bytes = utf8(terms.displayName).length;
  if (bytes === 0 || bytes > MAX_INVITE_NAME_BYTES) {
    throw new CryptoError('invalid_input', 'the display name must be 1 to 256 UTF-8 bytes');
  }
}

function isTimestamp(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
