import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url.js';
import { CryptoError } from './errors.js';
import {
  createGuestLink,
  decodeLinkFragment,
  encodeLinkFragment,
  guestLinkUrl,
  inviteIdOf,
  linkPreSharedKey,
  type GuestLink,
} from './guest-link.js';
import { createIdentity } from './identity.js';
import { decodeInitialMessage } from './initial-message.js';
import {
  createInvite,
  inviteBundleFromJSON,
  inviteBundleToJSON,
  verifyInvite,
  type InviteBundle,
} from './invite-bundle.js';
import { initiateSession } from './pqxdh-initiator.js';
import { acceptInitialMessage } from './pqxdh-responder.js';
import { decrypt, encrypt } from './session.js';
import { decodeText, text } from './testing/parties.js';
import { backends, hex, toHex } from './testing/vectors.js';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const TERMS = { expiresAt: Date.UTC(2026, 11, 1), displayName: 'Ana’s Bakery', reusable: false };

/** What the server stores and serves: the bundle's JSON form, through a JSON round trip. */
const served = (bundle: InviteBundle): InviteBundle =>
  inviteBundleFromJSON(JSON.parse(JSON.stringify(inviteBundleToJSON(bundle))) as unknown);

describe.each(backends)('guest links on the %s backend', (_name, crypto) => {
  it('fits an SMS: under 100 characters for a 20-character host, and reads back', async () => {
    const host = await createIdentity(crypto);
    const link = await createGuestLink(crypto, host.signingKey.publicKey);
    const url = guestLinkUrl('https://knock.example.org/', link);
    expect('knock.example.org'.length).toBeLessThanOrEqual(20);
    expect(url).toMatch(/^https:\/\/knock\.example\.org\/j#1\.[A-Za-z0-9_-]{64}$/);
    expect(guestLinkUrl(`https://${'h'.repeat(20)}`, link).length).toBeLessThanOrEqual(100);
    const read = decodeLinkFragment(new URL(url).hash);
    expect(read).toEqual(link);
    expect(encodeLinkFragment(read)).toBe(new URL(url).hash.slice(1));
  });

  it('refuses fragments that are not a version 1 link', () => {
    const good = encodeLinkFragment({ secret: SECRET, hostFingerprint: new Uint8Array(16) });
    const body = good.slice(2);
    const bad = [
      '',
      body,
      `2.${body}`,
      `1.${body.slice(1)}`,
      `1.${body}A`,
      `1.${body.slice(0, -1)}+`,
      `1.${encodeBase64url(new Uint8Array(48))}`, // all-zero secret
    ];
    for (const fragment of bad) {
      expect(() => decodeLinkFragment(fragment), fragment).toThrow(CryptoError);
    }
  });

  it('derives the invite id and the pre-shared key from the secret alone', async () => {
    expect(toHex(await inviteIdOf(crypto, SECRET))).toBe(INVITE_ID_HEX);
    expect(toHex(await linkPreSharedKey(crypto, SECRET))).toBe(PSK_HEX);
    const other = SECRET.map((b) => b ^ 0xff);
    expect(toHex(await inviteIdOf(crypto, other))).not.toBe(INVITE_ID_HEX);
  });

  it('lets a guest with the link start a session only the host can accept', async () => {
    const host = await createIdentity(crypto);
    const link = await createGuestLink(crypto, host.signingKey.publicKey);
    const { bundle, keys } = await createInvite(crypto, host, link, TERMS);
    const fetched = served(bundle);
    await verifyInvite(crypto, fetched, link);
    expect(fetched).toMatchObject({ displayName: TERMS.displayName, expiresAt: TERMS.expiresAt });

    const guest = await createIdentity(crypto);
    const psk = await linkPreSharedKey(crypto, link.secret);
    const session = await initiateSession(crypto, {
      identity: guest,
      bundle: fetched.prekeys,
      psk,
      expectedSigningKey: fetched.prekeys.identity.signingKey,
    });
    const first = await encrypt(crypto, session, text('hello from a guest'));
    const initial = decodeInitialMessage(first.message);
    const options = { identity: host, ...keys };

    // The server holds the bundle but not the link: without the secret the host refuses.
    await expect(
      acceptInitialMessage(
        crypto,
        { ...options, psk: await linkPreSharedKey(crypto, SECRET) },
        initial,
      ),
    ).rejects.toBeInstanceOf(CryptoError);
    const accepted = await acceptInitialMessage(crypto, { ...options, psk }, initial);
    expect(decodeText(accepted.plaintext)).toBe('hello from a guest');

    const reply = await encrypt(crypto, accepted.state, text('welcome'));
    expect(decodeText((await decrypt(crypto, first.state, reply.message)).plaintext)).toBe(
      'welcome',
    );
  });

  it('refuses a bundle the link does not name: another host, another invite, altered terms', async () => {
    const host = await createIdentity(crypto);
    const link = await createGuestLink(crypto, host.signingKey.publicKey);
    const { bundle } = await createInvite(crypto, host, link, TERMS);

    // T3: the server answers with its own identity under the same invite id.
    const server = await createIdentity(crypto);
    const forged: GuestLink = {
      ...link,
      hostFingerprint: (await createGuestLink(crypto, server.signingKey.publicKey)).hostFingerprint,
    };
    const swapped = await createInvite(crypto, server, forged, TERMS);
    await expectCode(verifyInvite(crypto, served(swapped.bundle), link), 'identity_mismatch');

    // The host's own bundle, but of another of its links.
    const otherLink = await createGuestLink(crypto, host.signingKey.publicKey);
    const other = await createInvite(crypto, host, otherLink, TERMS);
    await expectCode(verifyInvite(crypto, served(other.bundle), link), 'invite_mismatch');

    for (const altered of [
      { ...bundle, displayName: 'Ana’s Bakery ' },
      { ...bundle, displayName: 'Ana’s Bakerz' },
      { ...bundle, expiresAt: TERMS.expiresAt + 1 },
      { ...bundle, expiresAt: null },
      { ...bundle, prekeys: { ...bundle.prekeys, kemPrekey: other.bundle.prekeys.kemPrekey } },
    ]) {
      await expectCode(verifyInvite(crypto, served(altered), link), 'bad_signature');
    }
    const withOneTime = {
      ...bundle,
      prekeys: {
        ...bundle.prekeys,
        oneTimePrekey: { id: 1, publicKey: hex('09'.padEnd(64, '0')) },
      },
    };
    await expectCode(verifyInvite(crypto, withOneTime, link), 'malformed');
  });

  it('signs only for its own host and only sensible terms', async () => {
    const host = await createIdentity(crypto);
    const someoneElse = await createIdentity(crypto);
    const link = await createGuestLink(crypto, someoneElse.signingKey.publicKey);
    await expectCode(createInvite(crypto, host, link, TERMS), 'identity_mismatch');
    const own = await createGuestLink(crypto, host.signingKey.publicKey);
    await expectCode(
      createInvite(crypto, host, own, { ...TERMS, displayName: '' }),
      'invalid_input',
    );
    await expectCode(createInvite(crypto, host, own, { ...TERMS, expiresAt: -1 }), 'invalid_input');
    const reusable = await createInvite(crypto, host, own, { ...TERMS, reusable: true });
    expect(reusable.bundle.prekeys.kemPrekey.lastResort).toBe(true);
  });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'CryptoError', code });
}

// HKDF-SHA-256 of SECRET with a zero salt and the labels of guest-link.ts, computed independently
// (Python's hmac and hashlib, RFC 5869 by hand) when the format was fixed.
const INVITE_ID_HEX = 'cbcdb2abbc2ba3d6165d08a489bbd725';
const PSK_HEX = 'ef4ba6eae7a08853b0a09884fe1ee126c1025a410cd90fefe33e43fff0a7f047';
