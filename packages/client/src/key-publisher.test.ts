import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import type {
  AddPrekeysRequest,
  KeyStatusResponse,
  PublishKeysRequest,
  RotatePrekeysRequest,
} from '@knock/protocol/keys';
import { describe, expect, it } from 'vitest';
import {
  ensureKeysPublished,
  SIGNED_PREKEY_LIFETIME_MS,
  type KeyDirectory,
} from './key-publisher.js';
import { MemoryKeyStore } from './memory-key-store.js';

/** The directory's bookkeeping, without a server: what was published and what is left. */
class CountingDirectory implements KeyDirectory {
  status: KeyStatusResponse = {
    identityVersion: 0,
    identity: null,
    signedPrekeyId: null,
    signedPrekeyUploadedAt: null,
    oneTimePrekeys: 0,
    kemOneTimePrekeys: 0,
  };
  readonly published: PublishKeysRequest[] = [];
  readonly added: AddPrekeysRequest[] = [];
  readonly rotated: RotatePrekeysRequest[] = [];
  now = Date.UTC(2026, 10, 1);

  getKeys() {
    return Promise.resolve(this.status);
  }
  publishKeys(request: PublishKeysRequest) {
    this.published.push(request);
    this.status = {
      ...this.status,
      identityVersion: this.status.identityVersion + 1,
      identity: request.identity,
      signedPrekeyId: request.signedPrekey.id,
      signedPrekeyUploadedAt: this.now,
      oneTimePrekeys: request.oneTimePrekeys.length,
      kemOneTimePrekeys: request.kemOneTimePrekeys.length,
    };
    return Promise.resolve(this.status);
  }
  addPrekeys(request: AddPrekeysRequest) {
    this.added.push(request);
    this.status = {
      ...this.status,
      oneTimePrekeys: this.status.oneTimePrekeys + request.oneTimePrekeys.length,
      kemOneTimePrekeys: this.status.kemOneTimePrekeys + request.kemOneTimePrekeys.length,
    };
    return Promise.resolve(this.status);
  }
  rotatePrekeys(request: RotatePrekeysRequest) {
    this.rotated.push(request);
    this.status = {
      ...this.status,
      signedPrekeyId: request.signedPrekey.id,
      signedPrekeyUploadedAt: this.now,
    };
    return Promise.resolve(this.status);
  }
}

describe('ensureKeysPublished', () => {
  it('creates and publishes keys once, then tops up only what ran low, with new ids', async () => {
    const store = new MemoryKeyStore();
    const directory = new CountingDirectory();
    const options = { extractable: false };
    await ensureKeysPublished(crypto, store, directory, options);
    expect(directory.published).toHaveLength(1);
    expect(directory.status).toMatchObject({ oneTimePrekeys: 100, kemOneTimePrekeys: 100 });

    await ensureKeysPublished(crypto, store, directory, options);
    expect([directory.published.length, directory.added.length]).toEqual([1, 0]);

    // Others took bundles: 5 X25519 one-time prekeys left, ML-KEM ones still plenty.
    directory.status = { ...directory.status, oneTimePrekeys: 5, kemOneTimePrekeys: 50 };
    await ensureKeysPublished(crypto, store, directory, options);
    expect(directory.added).toHaveLength(1);
    const added = directory.added[0]!;
    expect(added.kemOneTimePrekeys).toEqual([]);
    expect(added.oneTimePrekeys.map((k) => k.id)).toEqual(
      Array.from({ length: 95 }, (_, i) => 101 + i),
    );
    // The device kept the private halves of everything it published.
    expect((await store.loadDevice())?.oneTimePrekeys).toHaveLength(195);
  });

  it('does not take the account back from another device unless told to', async () => {
    const store = new MemoryKeyStore();
    const directory = new CountingDirectory();
    await ensureKeysPublished(crypto, store, directory, { extractable: false });
    const other = { signingKey: 'x'.repeat(43), dhKey: 'y'.repeat(43), signature: 'z'.repeat(86) };
    directory.status = { ...directory.status, identity: other };
    const outcome = await ensureKeysPublished(crypto, store, directory, { extractable: false });
    expect(outcome.replaced).toBe(true);
    expect(directory.published).toHaveLength(1);

    const taken = await ensureKeysPublished(crypto, store, directory, {
      extractable: false,
      takeOver: true,
    });
    expect(taken.replaced).toBe(false);
    expect(directory.published).toHaveLength(2);
    expect(directory.published[1]?.identity).toEqual(directory.published[0]?.identity);
  });

  it('publishes a new device over an identity another device left', async () => {
    const directory = new CountingDirectory();
    await ensureKeysPublished(crypto, new MemoryKeyStore(), directory, { extractable: false });
    const second = await ensureKeysPublished(crypto, new MemoryKeyStore(), directory, {
      extractable: false,
    });
    expect(second).toMatchObject({ replaced: false, status: { identityVersion: 2 } });
    expect(directory.published[1]?.identity).not.toEqual(directory.published[0]?.identity);
  });

  it('rotates the signed prekeys weekly, keeping the replaced ones for a week', async () => {
    const store = new MemoryKeyStore();
    const directory = new CountingDirectory();
    const options = { extractable: false, now: () => directory.now };
    await ensureKeysPublished(crypto, store, directory, options);
    directory.now += SIGNED_PREKEY_LIFETIME_MS - 1;
    await ensureKeysPublished(crypto, store, directory, options);
    expect(directory.rotated).toHaveLength(0);

    directory.now += 1;
    await ensureKeysPublished(crypto, store, directory, options);
    expect(directory.rotated.map((r) => r.signedPrekey.id)).toEqual([2]);
    const device = await store.loadDevice();
    expect(device?.signedPrekey.id).toBe(2);
    expect(device?.previous?.signedPrekey.id).toBe(1);
    expect(directory.rotated[0]?.kemLastResort).toMatchObject({
      id: device?.kemLastResort.id,
      lastResort: true,
    });
  });

  it('uploads a rotation the device stored but the directory never got', async () => {
    const store = new MemoryKeyStore();
    const directory = new CountingDirectory();
    const options = { extractable: false, now: () => directory.now };
    await ensureKeysPublished(crypto, store, directory, options);
    // As if the process died between storing the rotation and uploading it.
    directory.status = { ...directory.status, signedPrekeyId: 0 };
    await ensureKeysPublished(crypto, store, directory, options);
    expect(directory.rotated.map((r) => r.signedPrekey.id)).toEqual([1]);
  });
});
