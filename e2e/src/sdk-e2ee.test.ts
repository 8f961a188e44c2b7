import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleBackend } from '@knock/crypto/noble-backend';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { FileKeyStore } from '@knock/client/file-key-store.node';
import { FileStore } from '@knock/client/file-store.node';
import type { FetchLike } from '@knock/client/http-client';
import { ensureKeysPublished, SIGNED_PREKEY_LIFETIME_MS } from '@knock/client/key-publisher';
import type { KnockClient } from '@knock/client/knock-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { collect, nextEvent } from '@knock/client/testing/events';
import { PREKEY_LOW_WATER } from '@knock/protocol/keys';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eeDevice, PASSWORD, signIn, type DeviceOptions } from './testing/devices.js';

// The SDK with end-to-end encryption against a real server: keys published on connect, sessions
// started from the directory, identity changes stopping a chat until accepted.

let server: TestServer;
let dir: string;
const clients: KnockClient[] = [];

beforeEach(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'knock-sdk-e2ee-'));
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function device(options: DeviceOptions = {}): KnockClient {
  const client = e2eeDevice(server.url, options);
  clients.push(client);
  return client;
}

/** Registers `username`, signs a new device in and connects it (which publishes its keys). */
async function signedIn(username: string, options: DeviceOptions = {}): Promise<KnockClient> {
  const client = device(options);
  await signIn(client, username);
  await client.connect();
  return client;
}

describe('the SDK, end-to-end encrypted against a real server', () => {
  it('publishes keys on connect and exchanges messages both ways', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob', { crypto: nobleBackend });
    expect(await bob.http.getKeys()).toMatchObject({ oneTimePrekeys: 100 });
    const chat = await alice.startChat('bob');
    const toBob = nextEvent(bob, 'message');
    await alice.sendText(chat.id, 'hello bob, this is sealed');
    expect(await toBob).toMatchObject({ text: 'hello bob, this is sealed', own: false });
    const toAlice = nextEvent(alice, 'message');
    await bob.sendText(chat.id, 'hello alice');
    expect(await toAlice).toMatchObject({ text: 'hello alice', own: false });
    for (let i = 0; i < 5; i++) {
      const next = nextEvent(bob, 'message');
      await alice.sendText(chat.id, `burst ${i}`);
      expect((await next).text).toBe(`burst ${i}`);
    }
    // The first message took one of Bob's one-time prekeys off the directory.
    expect(await bob.http.getKeys()).toMatchObject({ oneTimePrekeys: 99 });
    const [aliceNumber, bobNumber] = await Promise.all([
      alice.peerIdentity(bob.userId!),
      bob.peerIdentity(alice.userId!),
    ]);
    expect(aliceNumber?.safetyNumber).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(aliceNumber).toEqual(bobNumber);
  });

  it('stops a chat when the peer’s identity changes, until the user accepts it', async () => {
    const alice = await signedIn('alice');
    await signedIn('bob');
    const chat = await alice.startChat('bob');
    const bobId = chat.peer.id;
    const stored = nextEvent(alice, 'sent');
    await alice.sendText(chat.id, 'before');
    await stored;
    const before = await alice.peerIdentity(bobId);
    expect(before?.accepted).toBe(true);

    // Bob signs in on a new device: new keys, published over the old ones.
    const changed = nextEvent(alice, 'identityChanged');
    const bobNew = device();
    await bobNew.login('bob', PASSWORD);
    await bobNew.publishKeys({ takeOver: true });
    await bobNew.connect();
    expect(await changed).toEqual({ userId: bobId, chatIds: [chat.id] });

    const after = await alice.peerIdentity(bobId);
    expect(after?.accepted).toBe(false);
    expect(after?.safetyNumber).not.toBe(before?.safetyNumber);
    await expect(alice.sendText(chat.id, 'must not leave')).rejects.toMatchObject({
      code: 'identity_changed',
    });

    // What the new device sends is held back, unacknowledged, until Alice accepts.
    const shown = collect(alice, 'message');
    await bobNew.sendText(chat.id, 'new phone, same bob');
    await bobNew.idle();
    await alice.idle();
    expect(shown).toEqual([]);
    expect(alice.cursor(chat.id)).toBe(1);

    const released = nextEvent(alice, 'message');
    await alice.acceptIdentity(bobId);
    expect(await released).toMatchObject({ text: 'new phone, same bob', seq: 2 });
    expect((await alice.peerIdentity(bobId))?.accepted).toBe(true);
    const reply = nextEvent(bobNew, 'message');
    await alice.sendText(chat.id, 'welcome back');
    expect(await reply).toMatchObject({ text: 'welcome back' });
  });

  it('holds a message from a new identity that arrives before the directory event', async () => {
    const alice = await signedIn('alice');
    const bobKeys = new MemoryKeyStore();
    const bob = await signedIn('bob', { keys: bobKeys });
    const chat = await bob.startChat('alice');
    const first = nextEvent(alice, 'message');
    await bob.sendText(chat.id, 'one');
    await first;
    await alice.disconnect();

    // While Alice is away Bob resets his keys and writes from the new identity.
    const bobNew = device();
    await bobNew.login('bob', PASSWORD);
    await bobNew.publishKeys({ takeOver: true });
    await bobNew.connect();
    await bobNew.sendText(chat.id, 'two, from new keys');
    await nextEvent(bobNew, 'sent');

    const changed = nextEvent(alice, 'identityChanged');
    const shown = collect(alice, 'message');
    await alice.connect();
    expect(await changed).toMatchObject({ userId: bob.userId, chatIds: [chat.id] });
    await alice.idle();
    expect(shown).toEqual([]);
    await alice.acceptIdentity(bob.userId!);
    await expect.poll(() => shown.map((m) => m.text)).toEqual(['two, from new keys']);
  });

  it('refuses to connect a device whose identity another device replaced', async () => {
    const keys = new MemoryKeyStore();
    const old = await signedIn('carol', { keys });
    await old.disconnect();
    const replacement = device();
    await replacement.login('carol', PASSWORD);
    await replacement.publishKeys({ takeOver: true });
    const again = device({ keys });
    await again.login('carol', PASSWORD);
    await expect(again.connect()).rejects.toMatchObject({ code: 'identity_replaced' });
    await again.publishKeys({ takeOver: true });
    await again.connect();
    expect(again.state).toBe('online');
  });

  it('shows own messages sent by another client sharing the stores', async () => {
    await signedIn('bob');
    const login = device();
    await login.register('alice', PASSWORD);
    const { token } = await login.login('alice', PASSWORD);
    const keysPath = join(dir, 'keys.json');
    const storePath = join(dir, 'store.json');
    const shared = (receive: boolean) =>
      device({
        token,
        receive,
        crypto: nobleBackend,
        keys: new FileKeyStore(keysPath, nobleBackend),
        store: new FileStore(storePath),
      });
    const listener = shared(true);
    const sender = shared(false);
    await listener.connect();
    await sender.connect();
    const chat = await sender.startChat('bob');
    const own = nextEvent(listener, 'message');
    await sender.sendText(chat.id, 'sent from the other process');
    expect(await own).toMatchObject({ text: 'sent from the other process', own: true });
  });

  it('rotates signed prekeys on the directory and still reads messages from older bundles', async () => {
    const bobKeys = new MemoryKeyStore();
    const bob = await signedIn('bob', { keys: bobKeys });
    const alice = await signedIn('alice');
    const chat = await alice.startChat('bob');
    await bob.disconnect();
    const stored = nextEvent(alice, 'sent');
    await alice.sendText(chat.id, 'made from the old bundle');
    await stored;

    // A week later Bob's device rotates before it reads Alice's first message.
    const later = () => Date.now() + SIGNED_PREKEY_LIFETIME_MS;
    await ensureKeysPublished(webCryptoBackend, bobKeys, bob.http, {
      extractable: false,
      now: later,
    });
    expect(await bob.http.getKeys()).toMatchObject({ signedPrekeyId: 2 });
    const carol = await signedIn('carol');
    expect((await carol.http.takeBundle('bob')).bundle.signedPrekey.id).toBe(2);

    const read = nextEvent(bob, 'message');
    await bob.connect();
    expect(await read).toMatchObject({ text: 'made from the old bundle' });
  });

  it('connects while the key directory cannot be reached, and publishes once online', async () => {
    await signedIn('alice');
    // The first HTTP call of connect fails as if the network dropped it.
    let failures = 0;
    const flaky: FetchLike = (url, init) => {
      if (failures-- > 0) return Promise.reject(new TypeError('fetch failed'));
      return fetch(url, init);
    };
    const bob = device({ fetch: (url, init) => flaky(url, init) });
    await signIn(bob, 'bob');
    failures = 1;
    await bob.connect();
    expect(bob.state).toBe('online');
    await expect.poll(async () => (await bob.http.getKeys()).identity).not.toBeNull();
  });

  it('tops up one-time prekeys when the directory says they run low', async () => {
    const bob = await signedIn('bob');
    const alice = await signedIn('alice');
    const low = 100 - PREKEY_LOW_WATER + 1;
    for (let i = 0; i < low; i++) await alice.http.takeBundle('bob');
    await expect
      .poll(async () => (await bob.http.getKeys()).oneTimePrekeys, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(100);
  });
});
