import { existsSync, readFileSync } from 'node:fs';
import { joinGuestLink, type JoinedGuest } from '@knock/client/guest-join';
import type { KnockClient } from '@knock/client/knock-client';
import { KnockClient as Client } from '@knock/client/knock-client';
import type { FetchLike } from '@knock/client/http-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { MemoryStore } from '@knock/client/memory-store';
import { nextEvent as next } from '@knock/client/testing/events';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { encodeBase64url } from '@knock/crypto/base64url';
import { bundleToJSON } from '@knock/crypto/bundle-codec';
import { createDeviceKeys } from '@knock/crypto/device-keys';
import { createGuestLink } from '@knock/crypto/guest-link';
import { createBundle } from '@knock/crypto/bundle';
import { createIdentity } from '@knock/crypto/identity';
import {
  createInvite,
  inviteBundleFromJSON,
  inviteBundleToJSON,
} from '@knock/crypto/invite-bundle';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { encrypt } from '@knock/crypto/session';
import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MisbehavingServer } from './testing/misbehaving-server.js';
import { e2eeDevice, signIn } from './testing/devices.js';

// Guest chats end to end through the SDK against a real server: a guest opens a host's link,
// the host's client shows the guest only once its first message opened, they write both ways,
// and a server that swaps either side's keys is caught (T3 by the guest, T4 by the host).

let server: TestServer;
const clients: KnockClient[] = [];
const proxies: MisbehavingServer[] = [];

beforeEach(async () => {
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await server.close();
});

async function host(keys = new MemoryKeyStore()): Promise<KnockClient> {
  const client = e2eeDevice(server.url, { keys });
  clients.push(client);
  await signIn(client, 'ana', 'Ana Lind');
  await client.connect();
  return client;
}

const socketFactory = createNodeSocketFactory();

async function join(
  link: string,
  name: string,
  options: {
    serverUrl?: string;
    keys?: MemoryKeyStore;
    store?: MemoryStore;
    fetch?: FetchLike;
  } = {},
): Promise<JoinedGuest> {
  const joined = await joinGuestLink({
    link,
    name,
    socketFactory,
    e2ee: { crypto, keys: options.keys ?? new MemoryKeyStore(), extractable: false },
    store: options.store ?? new MemoryStore(),
    backoff: { baseMs: 5, capMs: 50 },
    ackDelayMs: 0,
    ...(options.serverUrl === undefined ? {} : { serverUrl: options.serverUrl }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  clients.push(joined.client);
  return joined;
}

/** Ana's one-time link, claimed by Sam, both online: the host's side sees the chat. */
function connectedPair() {
  return connectedPairNamed('Sam');
}

async function connectedPairNamed(name: string) {
  const ana = await host();
  const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
  const joinedEvent = next(ana, 'guestJoined');
  const sam = await join(url, name);
  await sam.client.connect();
  const { chat } = await joinedEvent;
  return { ana, sam, chat };
}

describe('guest chats through the SDK', () => {
  it('lets a guest open a link and chat with the host, end to end, and come back later', async () => {
    const keys = new MemoryKeyStore();
    const ana = await host(keys);
    const { url, invite } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    const joinedEvent = next(ana, 'guestJoined');

    const guestKeys = new MemoryKeyStore();
    const guestStore = new MemoryStore();
    const sam = await join(url, '  Sam   Doe ', { keys: guestKeys, store: guestStore });
    expect(sam.hostName).toBe('Ana’s Bakery');
    expect(sam.chat.guest).toMatchObject({ role: 'guest', state: 'request' });
    await sam.client.connect();

    const { chat, name } = await joinedEvent;
    expect(name).toBe('Sam Doe');
    expect(ana.peerDisplay(chat)).toEqual({
      name: 'Sam Doe',
      badge: 'Guest',
      notice: 'Not registered',
    });
    expect(sam.client.peerDisplay(sam.chat)).toEqual({ name: 'Ana’s Bakery' });
    // A one-time link's keys are gone once its guest's first message opened.
    expect(await keys.loadInvite(invite.id)).toBeUndefined();

    const toAna = next(ana, 'message');
    await sam.client.sendText(chat.id, 'Is the shop open on Sunday?');
    expect((await toAna).text).toBe('Is the shop open on Sunday?');

    const toSam = next(sam.client, 'message');
    const accepted = next(sam.client, 'chat', ({ chat: c }) => c.guest?.state === 'accepted');
    await ana.sendText(chat.id, 'Yes, 9 to 12.');
    expect((await toSam).text).toBe('Yes, 9 to 12.');
    await accepted;

    // The guest comes back with its token and stores: same chat, same keys.
    await sam.client.close();
    const again = new Client({
      serverUrl: server.url,
      socketFactory,
      token: sam.token,
      guest: true,
      store: guestStore,
      e2ee: { crypto, keys: guestKeys, extractable: false },
      backoff: { baseMs: 5, capMs: 50 },
      ackDelayMs: 0,
    });
    clients.push(again);
    await again.connect();
    expect((await again.listChats()).map((c) => again.peerDisplay(c).name)).toEqual([
      'Ana’s Bakery',
    ]);
    const later = next(ana, 'message');
    await again.sendText(chat.id, 'Thanks!');
    expect((await later).text).toBe('Thanks!');

    // Either side ends it: both sides hear, and the guest's token is dead.
    const closed = next(ana, 'chatClosed');
    await again.endChat(chat.id);
    expect(await closed).toEqual({ chatId: chat.id, reason: 'ended' });
    await expect(again.http.listChats()).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('never lets the guest’s name or words reach the server’s storage in the clear', async () => {
    const { ana, sam, chat } = await connectedPairNamed('Zebulon Canaryname');
    const received = next(ana, 'message');
    await sam.client.sendText(chat.id, 'canary-text-31337');
    await received;
    const file = server.databaseFile ?? '';
    const stored = Buffer.concat(
      [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    );
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.includes(Buffer.from(chat.id, 'utf8'))).toBe(true);
    for (const secret of ['Zebulon', 'Canaryname', 'canary-text-31337']) {
      expect(stored.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
    expect(ana.peerDisplay(chat).name).toBe('Zebulon Canaryname');
  });

  it('keeps a one-time link’s chat when the claim’s answer is lost on the way back', async () => {
    const ana = await host();
    const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    let dropped = 0;
    const lossy: FetchLike = async (target, init) => {
      const answer = await fetch(target, init);
      if (target.endsWith('/claim') && dropped++ === 0) throw new Error('connection reset');
      return answer;
    };
    const joinedEvent = next(ana, 'guestJoined');
    const sam = await join(url, 'Sam', { fetch: lossy });
    expect(dropped).toBe(2);
    await sam.client.connect();
    const { chat } = await joinedEvent;
    expect(chat.id).toBe(sam.chat.id);
    const received = next(ana, 'message');
    await sam.client.sendText(chat.id, 'made it');
    expect((await received).text).toBe('made it');
    expect(await ana.listChats()).toHaveLength(1);
  });

  it('refuses a name that is hostile or impersonates the host before claiming anything (T32)', async () => {
    const ana = await host();
    const { url, invite } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    for (const name of ['\u202eevil', 'Ana’s Bakery', 'x'.repeat(10_000), 'Sam (Guest)']) {
      await expect(join(url, name)).rejects.toMatchObject({ code: 'invalid_display_name' });
    }
    expect((await ana.invites.list()).find((i) => i.id === invite.id)?.uses).toBe(0);
  });

  it('catches a server that swaps the host’s keys: the guest sends nothing (T3)', async () => {
    const ana = await host();
    const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    const mallory = await createIdentity(crypto);
    const swaps = {
      // Another identity's keys and signature over the same invite.
      identity: async (bundle: ReturnType<typeof inviteBundleToJSON>) => {
        const fake = await createGuestLink(crypto, mallory.signingKey.publicKey);
        const forged = await createInvite(crypto, mallory, fake, {
          expiresAt: bundle.expiresAt,
          displayName: bundle.displayName,
          reusable: false,
        });
        return { ...inviteBundleToJSON(forged.bundle), inviteId: bundle.inviteId };
      },
      // The host's identity kept, the prekeys replaced by the server's own.
      prekeys: async (bundle: ReturnType<typeof inviteBundleToJSON>) => {
        const keys = await createDeviceKeys(crypto, { oneTime: 0, kemOneTime: 0 });
        const theirs = bundleToJSON(
          createBundle(keys.identity, keys.signedPrekey, keys.kemLastResort),
        );
        return { ...bundle, prekeys: { ...theirs, identity: bundle.prekeys.identity } };
      },
    };
    for (const swap of Object.values(swaps)) {
      const proxy = await MisbehavingServer.start(server.url, {
        response: async (path, body) =>
          path.endsWith('/bundle')
            ? {
                bundle: await swap(
                  (body as { bundle: ReturnType<typeof inviteBundleToJSON> }).bundle,
                ),
              }
            : body,
      });
      proxies.push(proxy);
      const fragment = url.slice(url.indexOf('#'));
      await expect(join(fragment, 'Sam', { serverUrl: proxy.url })).rejects.toMatchObject({
        code: 'link_mismatch',
      });
      expect(proxy.requests.map((r) => r.path)).toEqual([expect.stringMatching(/\/bundle$/)]);
    }
    // The link is untouched: the real server still has it open for the real guest.
    const sam = await join(url, 'Sam');
    expect(sam.chat.guest?.state).toBe('request');
  });

  it('catches a server that swaps the guest’s keys: the host never sees the chat (T4)', async () => {
    const ana = await host();
    const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery', reusable: true });
    // The server cannot make a first message that opens: it lacks the link's secret. Its best
    // try is its own identity and first message against the invite's real bundle.
    const proxy = await MisbehavingServer.start(server.url, {
      request: async (path, body) => {
        if (!path.endsWith('/claim')) return body;
        const claim = body as { hello: { ciphertext: string } };
        const inviteId = path.split('/')[3] ?? '';
        const bundle = inviteBundleFromJSON(await ana.http.getInviteBundle(inviteId));
        const mallory = await createIdentity(crypto);
        const started = await initiateSession(crypto, {
          identity: mallory,
          bundle: bundle.prekeys,
          psk: crypto.randomBytes(32),
        });
        const forged = await encrypt(
          crypto,
          started,
          new TextEncoder().encode('{"v":1,"type":"hello","name":"Sam"}'),
        );
        return { ...claim, hello: { ...claim.hello, ciphertext: encodeBase64url(forged.message) } };
      },
    });
    proxies.push(proxy);
    const undecryptable = next(ana, 'undecryptable');
    let joined = false;
    ana.on('guestJoined', () => {
      joined = true;
    });
    const fragment = url.slice(url.indexOf('#'));
    const sam = await join(fragment, 'Sam', { serverUrl: proxy.url });
    expect((await undecryptable).chatId).toBe(sam.chat.id);
    expect(joined).toBe(false);
    expect(await ana.listChats()).toEqual([]);
    // An honest claim of the same link still works.
    const realJoined = next(ana, 'guestJoined');
    await join(url, 'Kim');
    expect((await realJoined).name).toBe('Kim');
    expect((await ana.listChats()).map((c) => ana.peerDisplay(c).name)).toEqual(['Kim']);
  });

  it('holds a guest to 3 messages before the host accepts, then lets it write on (T27)', async () => {
    const { ana, sam, chat } = await connectedPair();
    for (const text of ['one', 'two', 'three']) {
      const sent = next(sam.client, 'sent');
      await sam.client.sendText(chat.id, text);
      await sent;
    }
    const refused = next(sam.client, 'sendFailed');
    await sam.client.sendText(chat.id, 'four');
    expect(await refused).toMatchObject({ code: 'request_limit' });
    const accepted = next(sam.client, 'chat', ({ chat: c }) => c.guest?.state === 'accepted');
    expect((await ana.acceptRequest(chat.id)).guest?.state).toBe('accepted');
    await accepted;
    const received = next(ana, 'message', (m) => m.text === 'five');
    await sam.client.sendText(chat.id, 'five');
    await received;
  });

  it('tells the host of a one-time link claimed twice, and lets it set a request aside', async () => {
    const ana = await host();
    const { url, invite } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    const joinedEvent = next(ana, 'guestJoined');
    await join(url, 'Sam');
    const { chat } = await joinedEvent;
    const notice = next(ana, 'inviteNotice');
    await expect(join(url, 'Kim')).rejects.toMatchObject({ code: 'invite_not_found' });
    expect(await notice).toEqual({ inviteId: invite.id, notice: 'used_twice' });
    expect((await ana.ignoreRequest(chat.id)).guest?.state).toBe('ignored');
    expect((await ana.listChats()).map((c) => c.guest?.state)).toEqual(['ignored']);
  });

  it('closes the chat on both sides when the host blocks the guest (T30)', async () => {
    const { ana, sam, chat } = await connectedPair();
    const samClosed = next(sam.client, 'chatClosed');
    const anaClosed = next(ana, 'chatClosed');
    await ana.blockGuest(chat.id);
    expect(await samClosed).toEqual({ chatId: chat.id, reason: 'ended' });
    expect(await anaClosed).toEqual({ chatId: chat.id, reason: 'blocked' });
  });
});
