import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from '@knock/crypto/bundle';
import { createDeviceKeys, type DeviceKeys } from '@knock/crypto/device-keys';
import { encodeBase64url } from '@knock/crypto/base64url';
import { createGuestLink, linkPreSharedKey } from '@knock/crypto/guest-link';
import { createIdentity } from '@knock/crypto/identity';
import { decodeInitialMessage } from '@knock/crypto/initial-message';
import { createInvite } from '@knock/crypto/invite-bundle';
import { acceptInitialMessage } from '@knock/crypto/pqxdh-responder';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { encrypt } from '@knock/crypto/session';
import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from './file-key-store.node.js';
import type { KeyStore } from './key-store.js';
import { MemoryKeyStore } from './memory-key-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function keyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knock-keys-'));
  dirs.push(dir);
  return join(dir, 'state', 'keys.json');
}

async function deviceAndSession() {
  const device = await createDeviceKeys(
    crypto,
    { oneTime: 2, kemOneTime: 1 },
    { extractable: true },
  );
  const bundle = createBundle(
    device.identity,
    device.signedPrekey,
    device.kemOneTimePrekeys[0] ?? device.kemLastResort,
    device.oneTimePrekeys[0] ?? null,
  );
  const peer = await createIdentity(crypto, { extractable: true });
  const session = await initiateSession(crypto, { identity: peer, bundle, extractable: true });
  return { device, session };
}

const publicOf = (d: DeviceKeys | undefined) => ({
  signing: d && [...d.identity.signingKey.publicKey],
  oneTime: d?.oneTimePrekeys.map((k) => k.id),
});

/** A guest link and its invite, and a guest's first message made from them. */
async function inviteAndGuestMessage() {
  const host = await createIdentity(crypto, { extractable: true });
  const link = await createGuestLink(crypto, host.signingKey.publicKey);
  const terms = { expiresAt: null, displayName: 'Desk', reusable: true };
  const { bundle, keys } = await createInvite(crypto, host, link, terms, { extractable: true });
  const psk = await linkPreSharedKey(crypto, link.secret);
  const guest = await createIdentity(crypto);
  const session = await initiateSession(crypto, { identity: guest, bundle: bundle.prekeys, psk });
  const { message } = await encrypt(crypto, session, new TextEncoder().encode('hi host'));
  const record = { inviteId: encodeBase64url(bundle.inviteId), secret: link.secret, keys };
  return { host, record, message: decodeInitialMessage(message) };
}

describe.each([
  ['memory', () => new MemoryKeyStore() as KeyStore],
  ['file', () => new FileKeyStore(keyFile(), crypto) as KeyStore],
])('%s key store', (_name, make) => {
  it('starts empty, then keeps device keys, sessions and pins', async () => {
    const store = make();
    expect(await store.loadDevice()).toBeUndefined();
    expect((await store.loadSessions('bob'))[0]).toBeUndefined();
    expect(await store.loadPin('bob')).toBeUndefined();

    const { device, session } = await deviceAndSession();
    await store.saveDevice(device);
    expect(publicOf(await store.loadDevice())).toEqual(publicOf(device));

    const fewer = { ...device, oneTimePrekeys: device.oneTimePrekeys.slice(1) };
    await store.saveSessions('bob', [session], fewer);
    expect(publicOf(await store.loadDevice()).oneTime).toEqual([2]);
    const loaded = (await store.loadSessions('bob'))[0];
    // The stored session still works: it encrypts exactly as the original does next.
    expect(loaded?.sendCount).toBe(session.sendCount);
    expect([...(loaded?.rootKey ?? [])]).toEqual([...session.rootKey]);
    await expect(encrypt(crypto, loaded ?? session, new Uint8Array([1]))).resolves.toBeDefined();

    const pin = { signingKey: 'k'.repeat(43), identityVersion: 2, accepted: false };
    await store.savePin('bob', pin);
    expect(await store.loadPin('bob')).toEqual(pin);

    await store.deleteSessions('bob');
    expect((await store.loadSessions('bob'))[0]).toBeUndefined();
    await store.close();
  });

  it('keeps a guest link’s secret and prekeys until they are deleted', async () => {
    const store = make();
    const { host, record, message } = await inviteAndGuestMessage();
    expect(await store.loadInvite(record.inviteId)).toBeUndefined();
    await store.saveInvite(record);
    const loaded = await store.loadInvite(record.inviteId);
    expect(loaded?.secret).toEqual(record.secret);
    // What was kept still answers the guest's first message.
    const psk = await linkPreSharedKey(crypto, loaded!.secret);
    const accepted = await acceptInitialMessage(
      crypto,
      { identity: host, ...loaded!.keys, psk },
      message,
    );
    expect(new TextDecoder().decode(accepted.plaintext)).toBe('hi host');
    await store.deleteInvite(record.inviteId);
    expect(await store.loadInvite(record.inviteId)).toBeUndefined();
  });
});

describe('file key store', () => {
  it('is private, survives a restart, and refuses a damaged file', async () => {
    const path = keyFile();
    const { device } = await deviceAndSession();
    const first = new FileKeyStore(path, crypto);
    await first.saveDevice(device);
    await first.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);

    const second = new FileKeyStore(path, crypto);
    expect(publicOf(await second.loadDevice())).toEqual(publicOf(device));

    writeFileSync(path, '{"version":1,"device":{"version":1},"sessions":{},"pins":{}}');
    await expect(second.loadDevice()).rejects.toMatchObject({ code: 'malformed' });
    writeFileSync(path, 'not json');
    await expect(second.loadDevice()).rejects.toThrow(/not valid JSON/);
  });

  it('refuses device keys it could not store without exporting them', async () => {
    const sealed = await createDeviceKeys(crypto, { oneTime: 0, kemOneTime: 0 });
    const store = new FileKeyStore(keyFile(), crypto);
    await expect(store.saveDevice(sealed)).rejects.toMatchObject({ code: 'not_extractable' });
  });
});
