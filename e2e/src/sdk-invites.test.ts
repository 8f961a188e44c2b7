import type { KnockClient } from '@knock/client/knock-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { decodeBase64url } from '@knock/crypto/base64url';
import { decodeLinkFragment, inviteIdOf, linkPreSharedKey } from '@knock/crypto/guest-link';
import { createIdentity } from '@knock/crypto/identity';
import { decodeInitialMessage } from '@knock/crypto/initial-message';
import { inviteBundleFromJSON, verifyInvite } from '@knock/crypto/invite-bundle';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { acceptInitialMessage } from '@knock/crypto/pqxdh-responder';
import { encrypt } from '@knock/crypto/session';
import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eeDevice, signIn } from './testing/devices.js';

// The host's side of guest links through the SDK against a real server: the link carries what
// the server never sees, the served bundle verifies against the link, and revoking stops claims
// at once while the host keeps the keys that open first messages of guests who claimed before.

let server: TestServer;
const clients: KnockClient[] = [];

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server.close();
});

async function host(keys = new MemoryKeyStore()): Promise<KnockClient> {
  const client = e2eeDevice(server.url, { keys });
  clients.push(client);
  await signIn(client, 'ana');
  await client.publishKeys();
  return client;
}

describe('guest links through the SDK', () => {
  it('creates a link whose bundle verifies against the link alone, and answers its guest', async () => {
    const keys = new MemoryKeyStore();
    const ana = await host(keys);
    const { url, invite } = await ana.invites.create({
      displayName: '  Ana’s   Bakery ',
      label: 'shop window',
    });
    expect(url.length).toBeLessThanOrEqual(server.url.length + 69);
    expect(invite).toMatchObject({
      kind: 'one_time',
      state: 'open',
      displayName: 'Ana’s Bakery',
      label: 'shop window',
      uses: 0,
      maxUses: 1,
    });

    // A guest holding only the URL: the fragment names the invite and pins Ana's key.
    const link = decodeLinkFragment(new URL(url).hash);
    const inviteId = await inviteIdOf(crypto, link.secret);
    expect(decodeBase64url(invite.id)).toEqual(inviteId);
    const bundle = inviteBundleFromJSON(await ana.http.getInviteBundle(invite.id));
    await verifyInvite(crypto, bundle, link);
    expect(bundle.displayName).toBe('Ana’s Bakery');

    // Ana's device kept what it takes to open a guest's first message.
    const psk = await linkPreSharedKey(crypto, link.secret);
    const guest = await createIdentity(crypto);
    const session = await initiateSession(crypto, { identity: guest, bundle: bundle.prekeys, psk });
    const first = await encrypt(crypto, session, new TextEncoder().encode('hello Ana'));
    const record = await keys.loadInvite(invite.id);
    const device = await keys.loadDevice();
    const accepted = await acceptInitialMessage(
      crypto,
      { identity: device!.identity, ...record!.keys, psk },
      decodeInitialMessage(first.message),
    );
    expect(new TextDecoder().decode(accepted.plaintext)).toBe('hello Ana');
  });

  it('lists links with their state and revokes one or all, keeping their keys', async () => {
    const keys = new MemoryKeyStore();
    const ana = await host(keys);
    const inAWeek = server.clock.now() + 7 * 86_400_000;
    const one = await ana.invites.create({ displayName: 'Ana' });
    server.clock.advance(1_000);
    const many = await ana.invites.create({
      displayName: 'Ana support',
      reusable: true,
      maxUses: 5,
      expiresAt: inAWeek,
    });
    expect(many.invite).toMatchObject({ kind: 'reusable', maxUses: 5, expiresAt: inAWeek });
    expect((await ana.invites.list()).map((i) => i.id)).toEqual([many.invite.id, one.invite.id]);
    // The device can give each link again, to copy it or show its QR code.
    expect(await ana.invites.urlOf(one.invite.id)).toBe(one.url);
    expect(await ana.invites.urlOf(many.invite.id)).toBe(many.url);
    expect(await ana.invites.urlOf('AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();

    await ana.invites.revoke(one.invite.id);
    expect(await keys.loadInvite(one.invite.id)).toBeDefined();
    await expect(ana.http.getInviteBundle(one.invite.id)).rejects.toMatchObject({
      code: 'invite_not_found',
    });
    expect(await ana.invites.revokeAll()).toBe(1);
    expect(await keys.loadInvite(many.invite.id)).toBeDefined();
    expect((await ana.invites.list()).map((i) => i.state)).toEqual(['revoked', 'revoked']);
  });

  it('refuses a display name guests could not be shown', async () => {
    const ana = await host();
    await expect(ana.invites.create({ displayName: ' \u202e ' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
