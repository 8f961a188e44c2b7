import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeviceKeys } from '@knock/crypto/device-keys';
import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from './file-key-store.node.js';
import type { KeyStore } from './key-store.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { FakeDirectory } from './testing/fake-directory.js';

const CHAT = 'CCCCCCCCCCCCCCCCCCCCCC';
const ALICE = { id: 'AAAAAAAAAAAAAAAAAAAAAA', username: 'alice' };
const BOB = { id: 'BBBBBBBBBBBBBBBBBBBBBB', username: 'bob' };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const party = (
  me: typeof ALICE,
  peer: typeof ALICE,
  directory: FakeDirectory,
  store: KeyStore,
  peerVersion?: () => number,
) =>
  directory.codecFor(crypto, me, peer, store, {
    extractable: true,
    ...(peerVersion && { peerVersion }),
  });

function fileStore(): FileKeyStore {
  const dir = mkdtempSync(join(tmpdir(), 'knock-e2ee-'));
  dirs.push(dir);
  return new FileKeyStore(join(dir, 'keys.json'), crypto);
}

describe('E2eeCodec', () => {
  it('starts a session from the directory and talks both ways, across a restart', async () => {
    const directory = new FakeDirectory();
    const aliceStore = fileStore();
    const alice = await party(ALICE, BOB, directory, aliceStore);
    const bobStore = new MemoryKeyStore();
    const bob = await party(BOB, ALICE, directory, bobStore);

    const first = await alice.encode(CHAT, bytes('hello bob'));
    expect(text(first)).not.toContain('hello');
    expect(text(await bob.decode(CHAT, ALICE.id, first))).toBe('hello bob');
    const reply = await bob.encode(CHAT, bytes('hi alice'));
    expect(text(await alice.decode(CHAT, BOB.id, reply))).toBe('hi alice');

    // A new codec over the same file continues the same session.
    const restarted = await party(ALICE, BOB, directory, new FileKeyStore(aliceStore.path, crypto));
    const later = await restarted.encode(CHAT, bytes('still me'));
    expect(text(await bob.decode(CHAT, ALICE.id, later))).toBe('still me');
    expect((await aliceStore.loadDevice())?.oneTimePrekeys).toHaveLength(3);
    // Answering the initial message used up one of Bob's one-time prekeys of each kind.
    const bobDevice = await bobStore.loadDevice();
    expect([bobDevice?.oneTimePrekeys.length, bobDevice?.kemOneTimePrekeys.length]).toEqual([2, 1]);
  });

  it('keeps order under concurrent sends and changes nothing on a tampered message', async () => {
    const directory = new FakeDirectory();
    const alice = await party(ALICE, BOB, directory, new MemoryKeyStore());
    const bob = await party(BOB, ALICE, directory, new MemoryKeyStore());
    const sent = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => alice.encode(CHAT, bytes(`message ${n}`))),
    );
    const tampered = sent[0]!.slice();
    tampered[tampered.length - 1]! ^= 1;
    await expect(bob.decode(CHAT, ALICE.id, tampered)).rejects.toBeDefined();
    const received = [];
    for (const message of sent) received.push(text(await bob.decode(CHAT, ALICE.id, message)));
    expect(received).toEqual([1, 2, 3, 4, 5].map((n) => `message ${n}`));
    await expect(bob.decode(CHAT, ALICE.id, sent[4]!)).rejects.toMatchObject({ code: 'replay' });
  });

  it('settles on one session when both sides start one at once', async () => {
    const directory = new FakeDirectory();
    const aliceStore = new MemoryKeyStore();
    const bobStore = new MemoryKeyStore();
    const alice = await party(ALICE, BOB, directory, aliceStore);
    const bob = await party(BOB, ALICE, directory, bobStore);
    // Both write first, before either has read anything: two sessions, one started by each.
    const fromAlice = [
      await alice.encode(CHAT, bytes('a1')),
      await alice.encode(CHAT, bytes('a2')),
    ];
    const fromBob = [await bob.encode(CHAT, bytes('b1'))];
    expect(text(await bob.decode(CHAT, ALICE.id, fromAlice[0]!))).toBe('a1');
    expect(text(await alice.decode(CHAT, BOB.id, fromBob[0]!))).toBe('b1');
    expect(text(await bob.decode(CHAT, ALICE.id, fromAlice[1]!))).toBe('a2');
    expect(await aliceStore.loadSessions(BOB.id)).toHaveLength(2);
    // Then they talk in turns, with messages crossing: everything opens, in any order.
    for (let round = 0; round < 4; round++) {
      const a = await alice.encode(CHAT, bytes(`a${round}`));
      const b = await bob.encode(CHAT, bytes(`b${round}`));
      expect(text(await alice.decode(CHAT, BOB.id, b))).toBe(`b${round}`);
      expect(text(await bob.decode(CHAT, ALICE.id, a))).toBe(`a${round}`);
    }
    // The older session stays until it ages out; every message opened under one of the two.
    expect(await aliceStore.loadSessions(BOB.id)).toHaveLength(2);
  });

  it('stops at a changed identity until the user accepts it', async () => {
    const directory = new FakeDirectory();
    const aliceStore = new MemoryKeyStore();
    const alice = await party(ALICE, BOB, directory, aliceStore);
    const bob = await party(BOB, ALICE, directory, new MemoryKeyStore());
    await bob.decode(CHAT, ALICE.id, await alice.encode(CHAT, bytes('one')));

    // Bob signs in on a new device: a new identity, version 2.
    const newBob = await party(BOB, ALICE, directory, new MemoryKeyStore());
    await alice.identityChanged({ ...BOB, identityVersion: 2 }, 2);
    await expect(alice.encode(CHAT, bytes('two'))).rejects.toMatchObject({
      code: 'identity_changed',
    });
    // Nothing was encrypted for the new key before the user accepted it.
    expect((await aliceStore.loadSessions(BOB.id))[0]).toBeUndefined();
    await alice.acceptIdentity(BOB.id);
    const two = await alice.encode(CHAT, bytes('two'));
    expect(text(await newBob.decode(CHAT, ALICE.id, two))).toBe('two');
  });

  it('checks the key again before sending when the chat shows a newer identity version', async () => {
    const directory = new FakeDirectory();
    const aliceStore = new MemoryKeyStore();
    let bobVersion = 1;
    const alice = await party(ALICE, BOB, directory, aliceStore, () => bobVersion);
    const bob = await party(BOB, ALICE, directory, new MemoryKeyStore());
    await bob.decode(CHAT, ALICE.id, await alice.encode(CHAT, bytes('one')));
    expect(await aliceStore.loadPin(BOB.id)).toMatchObject({ identityVersion: 1 });

    // Alice was offline when Bob's new device published (version 2): no live event reached her.
    await party(BOB, ALICE, directory, new MemoryKeyStore());
    bobVersion = 2;
    await expect(alice.encode(CHAT, bytes('two'))).rejects.toMatchObject({
      code: 'identity_changed',
    });
    expect(await aliceStore.loadPin(BOB.id)).toMatchObject({ identityVersion: 2, accepted: false });
  });

  it('refuses a bundle whose identity is not the pinned one (a server swapping keys)', async () => {
    const directory = new FakeDirectory();
    const aliceStore = new MemoryKeyStore();
    const alice = await party(ALICE, BOB, directory, aliceStore);
    const bob = await party(BOB, ALICE, directory, new MemoryKeyStore());
    await bob.decode(CHAT, ALICE.id, await alice.encode(CHAT, bytes('pinned')));
    // Alice must fetch a bundle again (say she lost the session); the server serves its own keys.
    await aliceStore.deleteSessions(BOB.id);
    directory.swap = await createDeviceKeys(crypto, { oneTime: 1, kemOneTime: 1 });
    await expect(alice.encode(CHAT, bytes('secret'))).rejects.toMatchObject({
      code: 'identity_changed',
    });
    expect((await aliceStore.loadSessions(BOB.id))[0]).toBeUndefined();
    expect(await aliceStore.loadPin(BOB.id)).toMatchObject({ accepted: false });
  });
});
