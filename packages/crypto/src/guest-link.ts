/**
 * Guest links (DESIGN §5). A host's client makes a 32-byte link secret; the link carries it and a
 * 16-byte fingerprint of the host's identity key in the URL fragment, which browsers never send to
 * a server, nor in a Referer:
 *
 *     https://<host>/j#1.<base64url(secret ‖ fingerprint)>        (64 characters after "1.")
 *
 * From the secret both sides derive the id the server files the invite under, and the PQXDH
 * pre-shared key whose use proves to the host that a guest held the link:
 *
 *     inviteId    = HKDF-SHA-256(secret, salt = 32 zero bytes, "Knock/v1/invite-id", 16)
 *     psk         = HKDF-SHA-256(secret, salt = 32 zero bytes, "Knock/v1/invite-psk", 32)
 *     fingerprint = SHA-256("Knock/v1/host-fingerprint" 0x00 ‖ Encode(IKsig))[0 .. 16]
 *
 * The fingerprint pins the host: a bundle whose identity does not match it is refused, so not
 * even the server can stand in for the host.
 */
import type { CryptoBackend } from './backend.js';
import { decodeBase64urlStrict, encodeBase64url } from './base64url.js';
import { concatBytes, constantTimeEqual, isAllZero } from './bytes.js';
import { CryptoError } from './errors.js';
import { encodeKey, requireEd25519PublicKey } from './public-keys.js';
import { utf8 } from './utf8.js';

export const GUEST_LINK_VERSION = '1';
export const LINK_SECRET_LENGTH = 32;
export const INVITE_ID_LENGTH = 16;
export const HOST_FINGERPRINT_LENGTH = 16;
/** The path a guest link opens; the fragment follows it. */
export const GUEST_LINK_PATH = '/j';

/** What a guest link holds: never sent to the server. */
export interface GuestLink {
  readonly secret: Uint8Array;
  readonly hostFingerprint: Uint8Array;
}

/** A new link for the host whose Ed25519 identity key is `hostSigningKey`. */
export async function createGuestLink(
  crypto: CryptoBackend,
  hostSigningKey: Uint8Array,
): Promise<GuestLink> {
  return {
    secret: crypto.randomBytes(LINK_SECRET_LENGTH),
    hostFingerprint: await hostFingerprint(crypto, hostSigningKey),
  };
}

export async function hostFingerprint(
  crypto: CryptoBackend,
  signingKey: Uint8Array,
): Promise<Uint8Array> {
  requireEd25519PublicKey(signingKey);
  const label = concatBytes(utf8('Knock/v1/host-fingerprint'), Uint8Array.of(0));
  const digest = await crypto.sha256(concatBytes(label, encodeKey('ed25519', signingKey)));
  return digest.slice(0, HOST_FINGERPRINT_LENGTH);
}

/** Whether the link names this host identity (constant time). */
export async function linkMatchesHost(
  crypto: CryptoBackend,
  link: GuestLink,
  signingKey: Uint8Array,
): Promise<boolean> {
  return constantTimeEqual(await hostFingerprint(crypto, signingKey), link.hostFingerprint);
}

/** The id the server knows the invite by. */
export function inviteIdOf(crypto: CryptoBackend, secret: Uint8Array): Promise<Uint8Array> {
  return derive(crypto, secret, 'invite-id', INVITE_ID_LENGTH);
}

/** The PQXDH pre-shared key of every session started from the link. */
export function linkPreSharedKey(crypto: CryptoBackend, secret: Uint8Array): Promise<Uint8Array> {
  return derive(crypto, secret, 'invite-psk', 32);
}

/** `1.<64 characters>`: the fragment without its `#`. */
export function encodeLinkFragment(link: GuestLink): string {
  requireSecret(link.secret);
  if (link.hostFingerprint.length !== HOST_FINGERPRINT_LENGTH) {
    throw new CryptoError('invalid_input', 'a host fingerprint is 16 bytes');
  }
  return `${GUEST_LINK_VERSION}.${encodeBase64url(concatBytes(link.secret, link.hostFingerprint))}`;
}

/** Reads a fragment (with or without its `#`); anything but a well-formed version 1 link throws. */
export function decodeLinkFragment(fragment: string): GuestLink {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  const dot = text.indexOf('.');
  if (dot < 0) throw new CryptoError('malformed', 'not a guest link');
  if (text.slice(0, dot) !== GUEST_LINK_VERSION) {
    throw new CryptoError('unsupported_version', 'unknown guest link version');
  }
  const bytes = decodeBase64urlStrict(text.slice(dot + 1));
  if (bytes.length !== LINK_SECRET_LENGTH + HOST_FINGERPRINT_LENGTH) {
    throw new CryptoError('malformed', 'a guest link holds 48 bytes');
  }
  const link = {
    secret: bytes.slice(0, LINK_SECRET_LENGTH),
    hostFingerprint: bytes.slice(LINK_SECRET_LENGTH),
  };
  requireSecret(link.secret);
  return link;
}

/** The whole link for a server at `origin` (e.g. `https://knock.example`). */
export function guestLinkUrl(origin: string, link: GuestLink): string {
  return `${origin.replace(/\/+$/, '')}${GUEST_LINK_PATH}#${encodeLinkFragment(link)}`;
}

function requireSecret(secret: Uint8Array): void {
  if (secret.length !== LINK_SECRET_LENGTH || isAllZero(secret)) {
    throw new CryptoError('invalid_input', 'a link secret is 32 bytes, not all zero');
  }
}

async function derive(
  crypto: CryptoBackend,
  secret: Uint8Array,
  label: string,
  length: number,
): Promise<Uint8Array> {
  requireSecret(secret);
  return crypto.hkdfSha256(secret, new Uint8Array(32), utf8(`Knock/v1/${label}`), length);
}
