/**
 * Runs in Chromium only (the `chromium` test project): real IndexedDB, real Web Locks and the
 * browser's WebCrypto, with non-extractable keys throughout. Two stores on one database stand in
 * for two tabs: Web Locks and IndexedDB are shared by the whole origin.
 */
import type { KeyAlgorithm, PrivateKey } from '@knock/crypto/backend';
import { createBundle } from '@knock/crypto/bundle';
import { createDeviceKeys, type DeviceKeys } from '@knock/crypto/device-keys';
import { encodeBase64url } from '@knock/crypto/base64url';
import { createGuestLink, linkPreSharedKey } from '@knock/crypto/guest-link';
import { createIdentity } from '@knock/crypto/identity';
import { decodeInitialMessage } from '@knock/crypto/initial-message';
import { createInvite } from '@knock/crypto/invite-bundle';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { acceptInitialMessage } from '@knock/crypto/pqxdh-responder';
import { encrypt } from '@knock/crypto/session';
import type { SessionState } from '@knock/crypto/session-state';
import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './idb.browser.js';
import { IndexedDbKeyStore } from './indexeddb-key-store.browser.js';
import type { PeerPin } from './key-store.js';
import { FakeDirectory } from './testing/fake-directory.js';

const CHAT = 'CCCCCCCCCCCCCCCCCCCCCC';
const ALICE = { id: 'AAAAAAAAAAAAAAAAAAAAAA', username: 'alice' };
const BOB = { id: 'BBBBBBBBBBBBBBBBBBBBBB', username: 'bob' };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** The Web Locks calls the tests make themselves (this file type-checks without DOM types). */
interface Locks {
  request(name: string, callback: () => Promise<void>): Promise<void>;
  query(): Promise<{ held?: { name?: string }[]; pending?: { name?: string }[] }>;
}
const locks = (globalThis as unknown as { navigator: { locks: Locks } }).navigator.locks;
const heldLocks = async () => ((await locks.query()).held ?? []).map((lock) => lock.name);
const pendingLocks = async () => ((await locks.query()).pending ?? []).map((lock) => lock.name);

/** The `CryptoKey` behind a WebCrypto handle, as the browser reports it. */
function cryptoKeyOf(key: PrivateKey<KeyAlgorithm>): { tag: string; extractable: unknown } {
  const handle = key.handle as { extractable?: unknown };
  return { tag: Object.prototype.toString.call(handle), extractable: handle.extractable };
}
const sealed = { tag: '[object CryptoKey]', extractable: false };

let counter = 0;
const databases: string[] = [];
const opened: IndexedDbKeyStore[] = [];

/** A database name of its own for each test, deleted after it. */
function databaseName(): string {
  const name = `knock-keys-test-${Date.now()}-${++counter}`;
  databases.push(name);
  return name;
}

async function open(name: string): Promise<IndexedDbKeyStore> {
  const store = await IndexedDbKeyStore.open(name);
  opened.push(store);
  return store;
}

afterEach(async () => {
  vi.unstubAllGlobals();
  for (const store of opened.splice(0)) await store.close();
  for (const name of databases.splice(0)) await IndexedDbKeyStore.delete(name);
});

const newDevice = () => createDeviceKeys(crypto, { oneTime: 3, kemOneTime: 2 }, {});

/** A session from Alice to Bob, as an initiator holds it after PQXDH. */
async function session(): Promise<{ alice: DeviceKeys; state: SessionState }> {
  const alice = await newDevice();
  const bob = await newDevice();
  const bundle = createBundle(bob.identity, bob.signedPrekey, bob.kemLastResort);
  return { alice, state: await initiateSession(crypto, { identity: alice.identity, bundle }) };
}

const party = (
  me: typeof ALICE,
  peer: typeof ALICE,
  directory: FakeDirectory,
  store: IndexedDbKeyStore,
) => directory.codecFor(crypto, me, peer, store, { extractable: false });

describe('IndexedDbKeyStore', () => {
  it('keeps device keys as non-extractable CryptoKeys that still sign and agree', async () => {
    const name = databaseName();
    const keys = await newDevice();
    await (await open(name)).saveDevice(keys);

    const loaded = await (await open(name)).loadDevice();
    expect(loaded).toBeDefined();
    const { identity, signedPrekey, oneTimePrekeys } = loaded!;
    for (const key of [identity.signingKey, identity.dhKey, signedPrekey.keyPair]) {
      expect(cryptoKeyOf(key.privateKey)).toEqual(sealed);
      expect(key.privateKey.extractable).toBe(false);
    }
    expect(oneTimePrekeys.map((k) => cryptoKeyOf(k.keyPair.privateKey))).toEqual([
      sealed,
      sealed,
      sealed,
    ]);
    expect(identity.signingKey.publicKey).toEqual(keys.identity.signingKey.publicKey);
    expect(loaded!.kemOneTimePrekeys.map((k) => k.keyPair.secretKey)).toEqual(
      keys.kemOneTimePrekeys.map((k) => k.keyPair.secretKey),
    );

    const message = bytes('knock');
    const signature = await crypto.signEd25519(identity.signingKey.privateKey, message);
    const verify = (key: Uint8Array) => crypto.verifyEd25519(key, message, signature);
    expect(await verify(keys.identity.signingKey.publicKey)).toBe(true);
    expect(await verify((await newDevice()).identity.signingKey.publicKey)).toBe(false);
    const other = await crypto.generateX25519();
    expect(await crypto.x25519(identity.dhKey.privateKey, other.publicKey)).toEqual(
      await crypto.x25519(other.privateKey, keys.identity.dhKey.publicKey),
    );
  });

  it('keeps a guest link’s sealed prekeys, also in a database made before links existed', async () => {
    const name = databaseName();
    // A version 1 database, as stores wrote before guest links: it is upgraded in place.
    const v1 = await openDatabase(name, 1, (db) => {
      for (const store of ['device', 'sessions', 'pins']) db.createObjectStore(store);
    });
    v1.close();
    const store = await open(name);
    const host = await createIdentity(crypto);
    const link = await createGuestLink(crypto, host.signingKey.publicKey);
    const terms = { expiresAt: null, displayName: 'Desk', reusable: false };
    const { bundle, keys } = await createInvite(crypto, host, link, terms);
    const inviteId = encodeBase64url(bundle.inviteId);
    await store.saveInvite({ inviteId, secret: link.secret, keys });
    await store.close();

    const again = await open(name);
    const loaded = await again.loadInvite(inviteId);
    expect(cryptoKeyOf(loaded!.keys.signedPrekey.keyPair.privateKey)).toEqual(sealed);
    const psk = await linkPreSharedKey(crypto, loaded!.secret);
    const guest = await createIdentity(crypto);
    const session = await initiateSession(crypto, { identity: guest, bundle: bundle.prekeys, psk });
    const first = await encrypt(crypto, session, new TextEncoder().encode('hello'));
    const accepted = await acceptInitialMessage(
      crypto,
      { identity: host, ...loaded!.keys, psk },
      decodeInitialMessage(first.message),
    );
    expect(new TextDecoder().decode(accepted.plaintext)).toBe('hello');
    await again.deleteInvite(inviteId);
    expect(await again.loadInvite(inviteId)).toBeUndefined();
  });

  it('keeps sessions sealed and usable across re-opening', async () => {
    const directory = new FakeDirectory();
    const [aliceDb, bobDb] = [databaseName(), databaseName()];
    const alice = await party(ALICE, BOB, directory, await open(aliceDb));
    const bob = await party(BOB, ALICE, directory, await open(bobDb));
    expect(text(await bob.decode(CHAT, ALICE.id, await alice.encode(CHAT, bytes('one'))))).toBe(
      'one',
    );
    expect(text(await alice.decode(CHAT, BOB.id, await bob.encode(CHAT, bytes('two'))))).toBe(
      'two',
    );

    const aliceAgain = await open(aliceDb);
    const stored = (await aliceAgain.loadSessions(BOB.id))[0];
    expect(stored?.extractable).toBe(false);
    expect(cryptoKeyOf(stored!.sendingRatchetKey.privateKey)).toEqual(sealed);
    // The re-opened store's ratchet key takes the next DH ratchet step both ways.
    const restarted = await party(ALICE, BOB, directory, aliceAgain);
    expect(text(await bob.decode(CHAT, ALICE.id, await restarted.encode(CHAT, bytes('3'))))).toBe(
      '3',
    );
    expect(text(await restarted.decode(CHAT, BOB.id, await bob.encode(CHAT, bytes('4'))))).toBe(
      '4',
    );
    expect((await aliceAgain.loadSessions(BOB.id))[0]?.receiveCount).toBe(1);
  });

  it('stores pins and sessions per peer, and deletes a session', async () => {
    const store = await open(databaseName());
    const { state } = await session();
    const pin: PeerPin = { signingKey: 'abc', identityVersion: 2, accepted: false };
    await store.savePin(BOB.id, pin);
    await store.saveSessions(BOB.id, [state]);
    expect(await store.loadPin(BOB.id)).toEqual(pin);
    expect(await store.loadPin(ALICE.id)).toBeUndefined();
    expect((await store.loadSessions(BOB.id))[0]?.rootKey).toEqual(state.rootKey);
    expect((await store.loadSessions(ALICE.id))[0]).toBeUndefined();

    await store.savePin(BOB.id, { ...pin, accepted: true });
    expect(await store.loadPin(BOB.id)).toEqual({ ...pin, accepted: true });
    await store.deleteSessions(BOB.id);
    expect((await store.loadSessions(BOB.id))[0]).toBeUndefined();
    expect(await store.loadPin(BOB.id)).toMatchObject({ accepted: true });
  });

  it('refuses a malformed pin read back', async () => {
    const store = await open(databaseName());
    await store.savePin(BOB.id, { signingKey: 7 } as unknown as PeerPin);
    await expect(store.loadPin(BOB.id)).rejects.toThrow(/malformed pin/);
  });

  it('stores a session with the device keys in one step: both or neither', async () => {
    const store = await open(databaseName());
    const { alice, state } = await session();
    const before = await newDevice();
    await store.saveDevice(before);
    await store.saveSessions(BOB.id, [state], alice);
    expect((await store.loadSessions(BOB.id))[0]?.rootKey).toEqual(state.rootKey);
    expect((await store.loadDevice())?.identity.signature).toEqual(alice.identity.signature);

    // Device keys that cannot be stored (a function does not clone) take the session down too.
    const unstorable = { ...before, extra: () => undefined } as DeviceKeys;
    await expect(store.saveSessions(ALICE.id, [state], unstorable)).rejects.toBeDefined();
    expect((await store.loadSessions(ALICE.id))[0]).toBeUndefined();
    expect((await store.loadDevice())?.identity.signature).toEqual(alice.identity.signature);
  });

  it('runs one exclusive task at a time across two stores on one database', async () => {
    const name = databaseName();
    const stores = [await open(name), await open(name)];
    const log: string[] = [];
    // Each task reads, yields to IndexedDB and writes back: overlapping tasks would lose updates.
    const increment = (n: number) =>
      stores[n % 2]!.exclusive(async () => {
        log.push(`enter ${n}`);
        const pin = await stores[n % 2]!.loadPin(BOB.id);
        await stores[(n + 1) % 2]!.loadSessions(BOB.id);
        const version = (pin?.identityVersion ?? 0) + 1;
        await stores[n % 2]!.savePin(BOB.id, {
          signingKey: 'k',
          identityVersion: version,
          accepted: true,
        });
        log.push(`leave ${n}`);
        return version;
      });
    const results = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(increment));
    expect(results.toSorted()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await stores[0]!.loadPin(BOB.id))?.identityVersion).toBe(8);
    for (let i = 0; i < log.length; i += 2) {
      expect(log[i + 1]).toBe(log[i]!.replace('enter', 'leave'));
    }
  });

  it('waits for the origin-wide Web Lock, whoever holds it', async () => {
    const store = await open(databaseName());
    const lockName = `knock-keys:${store.name}`;
    let release!: () => void;
    let held!: () => void;
    const isHeld = new Promise<void>((resolve) => (held = resolve));
    // Another tab's store would hold exactly this lock.
    const other = locks.request(lockName, () => {
      held();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await isHeld;

    let entered = false;
    const task = store.exclusive(async () => {
      entered = true;
      expect(await heldLocks()).toContain(lockName);
      return 'done';
    });
    await vi.waitFor(async () => expect(await pendingLocks()).toContain(lockName));
    expect(entered).toBe(false);
    release();
    await other;
    expect(await task).toBe('done');
    expect(entered).toBe(true);
  });

  it('releases the lock when a task fails', async () => {
    const name = databaseName();
    const [first, second] = [await open(name), await open(name)];
    await expect(first.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await heldLocks()).not.toContain(`knock-keys:${name}`);
    expect(await second.exclusive(() => Promise.resolve(42))).toBe(42);
  });

  it('does not open without Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    await expect(IndexedDbKeyStore.open(databaseName())).rejects.toThrow(/Web Locks/);
  });

  it('closes when another tab deletes the database, and says so', async () => {
    const name = databaseName();
    const store = await open(name);
    await store.saveDevice(await newDevice());
    // Deleting waits for every connection to close: the store must close its own.
    await IndexedDbKeyStore.delete(name);
    await expect(store.loadDevice()).rejects.toThrow(/closed: another tab/);
    expect(await (await open(name)).loadDevice()).toBeUndefined();
  });

  it('carries an end-to-end conversation through a re-opened store', async () => {
    const directory = new FakeDirectory();
    const [aliceDb, bobDb] = [databaseName(), databaseName()];
    const alice = await party(ALICE, BOB, directory, await open(aliceDb));
    const bobStore = await open(bobDb);
    const bob = await party(BOB, ALICE, directory, bobStore);

    const sent = await Promise.all([1, 2, 3].map((n) => alice.encode(CHAT, bytes(`hi ${n}`))));
    // Random bytes hold a two-letter string now and then; the whole plaintext never.
    expect(text(sent[0]!)).not.toContain('hi 1');
    const received = [];
    for (const message of sent) received.push(text(await bob.decode(CHAT, ALICE.id, message)));
    expect(received).toEqual(['hi 1', 'hi 2', 'hi 3']);
    const reply = await bob.encode(CHAT, bytes('hello alice'));
    expect(text(await alice.decode(CHAT, BOB.id, reply))).toBe('hello alice');
    // Answering the initial message used one of Bob's one-time prekeys of each kind.
    const device = await bobStore.loadDevice();
    expect([device?.oneTimePrekeys.length, device?.kemOneTimePrekeys.length]).toEqual([2, 1]);

    // Bob's tab reloads: a new store instance over the same database goes on with the session.
    await bobStore.close();
    const bobAgain = await party(BOB, ALICE, directory, await open(bobDb));
    const later = await alice.encode(CHAT, bytes('still there?'));
    expect(text(await bobAgain.decode(CHAT, ALICE.id, later))).toBe('still there?');
    const answer = await bobAgain.encode(CHAT, bytes('yes'));
    expect(text(await alice.decode(CHAT, BOB.id, answer))).toBe('yes');
    await expect(bobAgain.decode(CHAT, ALICE.id, later)).rejects.toBeDefined();
  });
});
