import { randomBytes } from 'node:crypto';
import type {
  KeyStatusResponse,
  PrekeyBundleResponse,
  PublishKeysRequest,
} from '@knock/protocol/keys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { aliceAndBob, api, ClientPool } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

/** Random bytes of the right length: the directory checks shapes, the clients check signatures. */
const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
const identity = () => ({ signingKey: b64(32), dhKey: b64(32), signature: b64(64) });
const kem = (id: number, lastResort: boolean) => ({
  id,
  lastResort,
  publicKey: b64(1184),
  signature: b64(64),
});
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

function keySet(oneTime: number, kemOneTime: number, from = 1): PublishKeysRequest {
  return {
    identity: identity(),
    signedPrekey: { id: 7, publicKey: b64(32), signature: b64(64) },
    kemLastResort: kem(9000, true),
    oneTimePrekeys: range(from, oneTime).map((id) => ({ id, publicKey: b64(32) })),
    kemOneTimePrekeys: range(from, kemOneTime).map((id) => kem(id, false)),
  };
}

describe.each(databaseKinds)('key directory ($name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let alice: { token: string; user: { id: string } };
  let bob: { token: string; user: { id: string } };
  const pool = new ClientPool(() => server.wsUrl);

  beforeEach(async () => {
    database = await kind.create();
    server = await startTestServer({
      database,
      env: { KNOCK_LIMIT_BUNDLES_PER_USER_HOUR: '60' },
    });
    ({ alice, bob } = await aliceAndBob(server.url));
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
    await database.drop();
  });

  const publish = (token: string, body: unknown) =>
    api<KeyStatusResponse>(server.url, 'PUT', '/api/keys', { token, body });
  const fetchBundle = (token: string, username: string) =>
    api<PrekeyBundleResponse & { code?: string }>(
      server.url,
      'POST',
      `/api/users/${username}/bundle`,
      { token },
    );

  it('publishes keys and hands out each one-time prekey once, then the last-resort key', async () => {
    const keys = keySet(3, 2);
    const published = await publish(bob.token, keys);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      identityVersion: 1,
      identity: keys.identity,
      signedPrekeyId: 7,
      oneTimePrekeys: 3,
      kemOneTimePrekeys: 2,
    });

    const bundles = [];
    for (let i = 0; i < 4; i++) bundles.push((await fetchBundle(alice.token, 'bob')).body);
    expect(bundles[0]).toEqual({
      userId: bob.user.id,
      identityVersion: 1,
      bundle: {
        version: 1,
        identity: keys.identity,
        signedPrekey: keys.signedPrekey,
        kemPrekey: keys.kemOneTimePrekeys[0],
        oneTimePrekey: keys.oneTimePrekeys[0],
      },
    });
    expect(bundles.map((b) => b.bundle.oneTimePrekey?.id ?? null)).toEqual([1, 2, 3, null]);
    expect(bundles.map((b) => b.bundle.kemPrekey.id)).toEqual([1, 2, 9000, 9000]);
    expect(bundles[3]?.bundle.kemPrekey).toEqual(keys.kemLastResort);
    const status = await api<KeyStatusResponse>(server.url, 'GET', '/api/keys', {
      token: bob.token,
    });
    expect(status.body).toMatchObject({ oneTimePrekeys: 0, kemOneTimePrekeys: 0 });
  });

  it('never gives the same one-time prekey to two fetchers at once', async () => {
    const users = await Promise.all(
      range(0, 4).map(async (i) => {
        const name = `carol${i}`;
        await api(server.url, 'POST', '/api/users', {
          body: { username: name, password: `${name}-password-123` },
        });
        const token = await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
          body: { username: name, password: `${name}-password-123` },
        });
        return token.body.token;
      }),
    );
    await publish(bob.token, keySet(30, 30));
    const fetched = await Promise.all(
      range(0, 40).map((i) => fetchBundle(users[i % users.length] ?? '', 'bob')),
    );
    expect(fetched.every((f) => f.status === 200)).toBe(true);
    const ids = fetched.flatMap((f) => {
      const id = f.body.bundle.oneTimePrekey?.id;
      return id === undefined ? [] : [id];
    });
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    const kemIds = fetched.map((f) => f.body.bundle.kemPrekey.id).filter((id) => id !== 9000);
    expect(new Set(kemIds).size).toBe(30);
  });

  it('tells the owner when one-time prekeys run low, and takes more', async () => {
    await publish(bob.token, keySet(21, 40));
    const owner = await pool.connect(bob.token);
    await fetchBundle(alice.token, 'bob'); // 20 left: not low yet
    await fetchBundle(alice.token, 'bob'); // 19 left
    expect(await owner.next((f) => f.type === 'keys_low')).toEqual({
      type: 'keys_low',
      oneTimePrekeys: 19,
      kemOneTimePrekeys: 38,
    });
    expect(owner.frames.filter((f) => f.type === 'keys_low')).toHaveLength(1);
    const added = await api<KeyStatusResponse>(server.url, 'POST', '/api/keys/prekeys', {
      token: bob.token,
      body: {
        oneTimePrekeys: range(100, 50).map((id) => ({ id, publicKey: b64(32) })),
        kemOneTimePrekeys: [],
      },
    });
    expect(added.body).toMatchObject({ oneTimePrekeys: 69, kemOneTimePrekeys: 38 });
  });

  it('rotates the signed prekey and the last-resort key', async () => {
    await publish(bob.token, keySet(0, 0));
    const rotated = await api<KeyStatusResponse>(server.url, 'PUT', '/api/keys/signed-prekey', {
      token: bob.token,
      body: {
        signedPrekey: { id: 8, publicKey: b64(32), signature: b64(64) },
        kemLastResort: kem(9001, true),
      },
    });
    expect(rotated.body).toMatchObject({ signedPrekeyId: 8, identityVersion: 1 });
    const { bundle } = (await fetchBundle(alice.token, 'bob')).body;
    expect([bundle.signedPrekey.id, bundle.kemPrekey.id, bundle.oneTimePrekey]).toEqual([
      8,
      9001,
      null,
    ]);
  });

  it('announces a changed identity to the peers and drops the old prekeys', async () => {
    await publish(bob.token, keySet(5, 5));
    const peer = await pool.connect(alice.token);
    const own = await pool.connect(bob.token);
    // The same identity again is no change.
    const first = keySet(0, 0);
    await publish(bob.token, first);
    const again = await publish(bob.token, { ...keySet(2, 1, 50), identity: first.identity });
    expect(again.body).toMatchObject({ identityVersion: 2, oneTimePrekeys: 2 });
    expect(await peer.next((f) => f.type === 'identity_changed')).toEqual({
      type: 'identity_changed',
      userId: bob.user.id,
      identityVersion: 2,
    });
    expect(peer.frames.filter((f) => f.type === 'identity_changed')).toHaveLength(1);
    expect(own.frames.some((f) => f.type === 'identity_changed')).toBe(false);
    const { body } = await fetchBundle(alice.token, 'bob');
    expect(body.identityVersion).toBe(2);
    expect(body.bundle.oneTimePrekey?.id).toBe(50);
  });

  it('refuses what it cannot serve, with a code', async () => {
    expect((await fetchBundle(alice.token, 'bob')).body.code).toBe('no_keys');
    expect((await fetchBundle(alice.token, 'nobody')).body.code).toBe('user_not_found');
    await publish(alice.token, keySet(1, 1));
    expect((await fetchBundle(alice.token, 'alice')).body.code).toBe('cannot_chat_with_self');
    const early = await api<{ code: string }>(server.url, 'POST', '/api/keys/prekeys', {
      token: bob.token,
      body: { oneTimePrekeys: [], kemOneTimePrekeys: [] },
    });
    expect([early.status, early.body.code]).toEqual([409, 'identity_required']);
    const bad = await publish(bob.token, {
      ...keySet(1, 1),
      identity: { ...identity(), dhKey: b64(31) },
    });
    expect([bad.status, (bad.body as unknown as { code: string }).code]).toEqual([
      400,
      'bad_request',
    ]);
    await publish(bob.token, keySet(100, 0));
    const more = (from: number, count: number) =>
      api<{ code: string }>(server.url, 'POST', '/api/keys/prekeys', {
        token: bob.token,
        body: {
          oneTimePrekeys: range(from, count).map((id) => ({ id, publicKey: b64(32) })),
          kemOneTimePrekeys: [],
        },
      });
    expect((await more(500, 100)).status).toBe(200); // 200 kept: the most there may be
    const full = await more(700, 1);
    expect([full.status, full.body.code]).toEqual([400, 'too_many_prekeys']);
    const unauthenticated = await api(server.url, 'POST', '/api/users/bob/bundle');
    expect(unauthenticated.status).toBe(401);
  });

  it('limits how many bundles one user may take', async () => {
    await publish(bob.token, keySet(0, 0));
    const codes = [];
    for (let i = 0; i < 61; i++) codes.push((await fetchBundle(alice.token, 'bob')).status);
    expect(codes.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(codes[60]).toBe(429);
  });
});
