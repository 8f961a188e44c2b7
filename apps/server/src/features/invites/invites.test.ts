import type { TokenResponse } from '@knock/protocol/http';
import type {
  InviteBundleResponse,
  InviteListResponse,
  InviteResponse,
  InviteSummary,
} from '@knock/protocol/invites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Db } from '../../platform/db/connect.js';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { createInviteBody, inviteBundle, newInviteId } from '../../testing/invite-bundles.js';
import { api, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

const DAY = 86_400_000;

type Answer<T> = { status: number; body: T & { code?: string }; headers: Headers };

describe.each(databaseKinds)('invites ($name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let db: Db;
  let alice: TokenResponse;
  let bob: TokenResponse;

  beforeEach(async () => {
    database = await kind.create();
    server = await startTestServer({
      database,
      env: {
        KNOCK_LIMIT_OPEN_INVITES_PER_HOST: '3',
        KNOCK_LIMIT_INVITE_FETCHES_PER_IP_MINUTE: '1000',
      },
    });
    db = connect(database.config);
    alice = await userWithToken(server.url, 'alice');
    bob = await userWithToken(server.url, 'bob');
  });
  afterEach(async () => {
    await db.close();
    await server.close();
    await database.drop();
  });

  const create = (token: string, body: unknown) =>
    api<InviteResponse>(server.url, 'POST', '/api/invites', { token, body }) as Promise<
      Answer<InviteResponse>
    >;
  const list = async (token: string) =>
    (await api<InviteListResponse>(server.url, 'GET', '/api/invites', { token })).body.invites;
  const revoke = (token: string, id: string) =>
    api<{ code?: string }>(server.url, 'DELETE', `/api/invites/${id}`, { token });
  const fetchBundle = (id: string) =>
    api<InviteBundleResponse>(server.url, 'GET', `/api/invites/${id}/bundle`) as Promise<
      Answer<InviteBundleResponse>
    >;
  /** The raw answer, for byte-for-byte comparisons. */
  const rawFetch = async (id: string) => {
    const response = await fetch(`${server.url}/api/invites/${id}/bundle`);
    const headers = [...response.headers.entries()].filter(([name]) => name !== 'date');
    return { status: response.status, headers, body: await response.text() };
  };
  const setUses = (id: string, uses: number) =>
    db.kysely.updateTable('invites').set({ uses }).where('id', '=', id).execute();

  it('creates invites and lists them newest first with their state', async () => {
    const now = server.clock.now();
    const once = createInviteBody({ label: '  Bakery   flyer ' });
    const created = await create(alice.token, once);
    expect(created.status).toBe(201);
    expect(created.body.invite).toEqual({
      id: once.inviteId,
      kind: 'one_time',
      label: 'Bakery flyer',
      displayName: 'Ann at the bakery',
      state: 'open',
      uses: 0,
      maxUses: 1,
      createdAt: now,
      expiresAt: null,
      lastClaimedAt: null,
      lastActivityAt: null,
      revokedAt: null,
      refusedClaims: 0,
      chats: 0,
    } satisfies InviteSummary);

    server.clock.advance(1000);
    const reusable = createInviteBody({ kind: 'reusable', maxUses: 5, expiresAt: now + 2 * DAY });
    expect((await create(alice.token, reusable)).status).toBe(201);
    server.clock.advance(1000);
    const unlimited = createInviteBody({ kind: 'reusable' });
    expect((await create(alice.token, unlimited)).body.invite).toMatchObject({
      maxUses: null,
      label: null,
      state: 'open',
    });

    const invites = await list(alice.token);
    expect(invites.map((i) => i.id)).toEqual([
      unlimited.inviteId,
      reusable.inviteId,
      once.inviteId,
    ]);
    expect(invites[1]).toMatchObject({ kind: 'reusable', maxUses: 5, expiresAt: now + 2 * DAY });
    expect(await list(bob.token)).toEqual([]);

    // States: claimed, used up, expired; revoked wins over all of them.
    await setUses(once.inviteId, 1);
    await setUses(reusable.inviteId, 5);
    const states = async () => (await list(alice.token)).map((i) => i.state);
    expect(await states()).toEqual(['open', 'used_up', 'claimed']);
    await setUses(reusable.inviteId, 4);
    expect(await states()).toEqual(['open', 'open', 'claimed']);
    server.clock.advance(2 * DAY);
    expect(await states()).toEqual(['open', 'expired', 'claimed']);
    expect((await revoke(alice.token, reusable.inviteId)).status).toBe(204);
    expect(await states()).toEqual(['open', 'revoked', 'claimed']);
    expect((await list(alice.token))[1]?.revokedAt).toBe(server.clock.now());
  });

  it('serves the bundle of an open invite, publicly and uncached', async () => {
    const body = createInviteBody({ kind: 'reusable', expiresAt: server.clock.now() + DAY });
    await create(alice.token, body);
    const fetched = await fetchBundle(body.inviteId);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ bundle: body.bundle });
    expect(fetched.headers.get('cache-control')).toBe('no-store');
    expect(fetched.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers unknown, revoked, expired, claimed and used-up invites identically (T23)', async () => {
    const now = server.clock.now();
    const revoked = createInviteBody();
    const expired = createInviteBody({ expiresAt: now + 1000 });
    const claimed = createInviteBody();
    const usedUp = createInviteBody({ kind: 'reusable', maxUses: 2 });
    // The cap of open invites is 3 here: revoke the first before making the fourth.
    for (const body of [revoked, expired, claimed, usedUp]) {
      expect((await create(alice.token, body)).status).toBe(201);
      expect((await fetchBundle(body.inviteId)).status).toBe(200);
      if (body === revoked) await revoke(alice.token, revoked.inviteId);
    }
    server.clock.advance(1000);
    await setUses(claimed.inviteId, 1);
    await setUses(usedUp.inviteId, 2);

    const answers = [];
    for (const id of [
      newInviteId(),
      revoked.inviteId,
      expired.inviteId,
      claimed.inviteId,
      usedUp.inviteId,
      'not-even-an-id',
    ]) {
      answers.push(await rawFetch(id));
    }
    const first = answers[0];
    expect(first?.status).toBe(404);
    expect(JSON.parse(first?.body ?? '')).toEqual({
      code: 'invite_not_found',
      message: expect.any(String) as string,
    });
    expect(first?.headers).toEqual(
      expect.arrayContaining([
        ['cache-control', 'no-store'],
        ['referrer-policy', 'no-referrer'],
      ]),
    );
    for (const answer of answers) expect(answer).toEqual(first);
  });

  it('changes nothing when the bundle is fetched, however often (T24)', async () => {
    const once = createInviteBody();
    const reusable = createInviteBody({ kind: 'reusable', maxUses: 3 });
    await create(alice.token, once);
    await create(alice.token, reusable);
    const rows = () => db.kysely.selectFrom('invites').selectAll().orderBy('id').execute();
    const before = await rows();
    const listed = await list(alice.token);
    for (let i = 0; i < 20; i++) {
      expect((await fetchBundle(once.inviteId)).status).toBe(200);
      expect((await fetchBundle(reusable.inviteId)).status).toBe(200);
    }
    expect(await rows()).toEqual(before);
    expect(before.map((r) => [r.uses, r.last_claimed_at, r.last_activity_at])).toEqual([
      [0, null, null],
      [0, null, null],
    ]);
    expect(await list(alice.token)).toEqual(listed);
  });

  it('refuses bundles that name another invite or expiry, and bad terms', async () => {
    const now = server.clock.now();
    const refused = async (body: unknown) => {
      const answer = await create(alice.token, body);
      return [answer.status, answer.body.code];
    };
    const base = createInviteBody({ expiresAt: now + DAY });
    expect(
      await refused({ ...base, bundle: inviteBundle(newInviteId(), { expiresAt: now + DAY }) }),
    ).toEqual([400, 'bad_request']);
    expect(await refused({ ...base, expiresAt: now + DAY + 1 })).toEqual([400, 'bad_request']);
    expect(await refused({ ...base, expiresAt: undefined })).toEqual([400, 'bad_request']);
    const past = createInviteBody({ expiresAt: now });
    expect(await refused(past)).toEqual([400, 'bad_request']);
    const tooFar = createInviteBody({ expiresAt: now + 91 * DAY });
    expect(await refused(tooFar)).toEqual([400, 'bad_request']);
    expect(await refused(createInviteBody({ maxUses: 2 }))).toEqual([400, 'bad_request']);
    expect(await refused(createInviteBody({ kind: 'reusable', maxUses: 10_001 }))).toEqual([
      400,
      'bad_request',
    ]);
    expect(await refused(createInviteBody({ displayName: 'Ann\u202e' }))).toEqual([
      400,
      'bad_request',
    ]);
    expect(await refused(createInviteBody({ displayName: ' Ann' }))).toEqual([400, 'bad_request']);
    expect(await refused(createInviteBody({ label: '\u200b' }))).toEqual([400, 'bad_request']);
    const withOneTimePrekey = createInviteBody();
    const prekeys = {
      ...withOneTimePrekey.bundle.prekeys,
      oneTimePrekey: { id: 1, publicKey: 'A'.repeat(43) },
    };
    expect(
      await refused({ ...withOneTimePrekey, bundle: { ...withOneTimePrekey.bundle, prekeys } }),
    ).toEqual([400, 'bad_request']);
    const reusableKemMismatch = createInviteBody();
    expect(await refused({ ...reusableKemMismatch, kind: 'reusable' })).toEqual([
      400,
      'bad_request',
    ]);
    expect(await list(alice.token)).toEqual([]);
    // At the limit is fine.
    expect(
      (await create(alice.token, createInviteBody({ expiresAt: now + 90 * DAY }))).status,
    ).toBe(201);
  });

  it('refuses an id that is taken, by anyone', async () => {
    const body = createInviteBody();
    expect((await create(alice.token, body)).status).toBe(201);
    const again = await create(bob.token, createInviteBody({ inviteId: body.inviteId }));
    expect([again.status, again.body.code]).toEqual([409, 'invite_exists']);
    expect(await list(bob.token)).toEqual([]);
  });

  it('caps the open invites of a host; closed ones do not count', async () => {
    const bodies = [createInviteBody(), createInviteBody(), createInviteBody()];
    for (const body of bodies) expect((await create(alice.token, body)).status).toBe(201);
    const fourth = await create(alice.token, createInviteBody());
    expect([fourth.status, fourth.body.code]).toEqual([409, 'too_many_invites']);
    // Other hosts have caps of their own.
    expect((await create(bob.token, createInviteBody())).status).toBe(201);
    await setUses(bodies[0]?.inviteId ?? '', 1);
    expect((await create(alice.token, createInviteBody())).status).toBe(201);
    await revoke(alice.token, bodies[1]?.inviteId ?? '');
    expect((await create(alice.token, createInviteBody())).status).toBe(201);
    expect((await create(alice.token, createInviteBody())).status).toBe(409);
  });

  it('revokes one or all; only the host may', async () => {
    const [a, b, c, claimed] = [
      createInviteBody(),
      createInviteBody(),
      createInviteBody({ kind: 'reusable' }),
      createInviteBody(),
    ];
    for (const body of [a, b, claimed]) await create(alice.token, body);
    await setUses(claimed.inviteId, 1);

    const foreign = await revoke(bob.token, a.inviteId);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'invite_not_found']);
    const unknown = await revoke(alice.token, newInviteId());
    expect([unknown.status, unknown.body.code]).toEqual([404, 'invite_not_found']);
    expect((await fetchBundle(a.inviteId)).status).toBe(200);

    expect((await revoke(alice.token, a.inviteId)).status).toBe(204);
    expect((await revoke(alice.token, a.inviteId)).status).toBe(204); // again: no change
    expect((await fetchBundle(a.inviteId)).status).toBe(404);
    expect((await fetchBundle(b.inviteId)).status).toBe(200);

    await create(alice.token, c);
    await create(bob.token, createInviteBody());
    const all = await api<{ revoked: number }>(server.url, 'DELETE', '/api/invites', {
      token: alice.token,
    });
    expect(all).toMatchObject({ status: 200, body: { revoked: 2 } });
    const states = Object.fromEntries((await list(alice.token)).map((i) => [i.id, i.state]));
    expect(states).toEqual({
      [a.inviteId]: 'revoked',
      [b.inviteId]: 'revoked',
      [c.inviteId]: 'revoked',
      [claimed.inviteId]: 'claimed',
    });
    expect((await list(bob.token)).map((i) => i.state)).toEqual(['open']);
  });

  it('stops serving a revoked invite at once on every node (T29)', async () => {
    const other = await startTestServer({ database });
    try {
      const body = createInviteBody();
      await create(alice.token, body);
      const fetchOther = () => api(other.url, 'GET', `/api/invites/${body.inviteId}/bundle`);
      expect((await fetchOther()).status).toBe(200);
      expect((await revoke(alice.token, body.inviteId)).status).toBe(204);
      expect((await fetchOther()).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('requires a signed-in host, and the CSRF token with a cookie', async () => {
    const body = createInviteBody();
    for (const [method, path] of [
      ['POST', '/api/invites'],
      ['GET', '/api/invites'],
      ['DELETE', '/api/invites'],
      ['DELETE', `/api/invites/${body.inviteId}`],
    ] as const) {
      const answer = await api<{ code: string }>(server.url, method, path, {
        ...(method === 'POST' ? { body } : {}),
      });
      expect([method, path, answer.status, answer.body.code]).toEqual([
        method,
        path,
        401,
        'unauthorized',
      ]);
    }
    const password = 'alice-password-123';
    const login = await api<{ csrfToken: string }>(server.url, 'POST', '/api/session', {
      body: { username: 'alice', password },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const origin = new URL(server.url).origin;
    const noCsrf = await api<{ code: string }>(server.url, 'POST', '/api/invites', {
      headers: { cookie, origin },
      body,
    });
    expect(noCsrf.body.code).toBe('csrf_failed');
    const withCsrf = await api(server.url, 'POST', '/api/invites', {
      headers: { cookie, origin, 'x-knock-csrf': login.body.csrfToken },
      body,
    });
    expect(withCsrf.status).toBe(201);
  });
});

describe('invite bundle fetches', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.close();
  });

  it('are limited per IP, found or not', async () => {
    server = await startTestServer({ env: { KNOCK_LIMIT_INVITE_FETCHES_PER_IP_MINUTE: '5' } });
    const alice = await userWithToken(server.url, 'alice');
    const body = createInviteBody();
    await api(server.url, 'POST', '/api/invites', { token: alice.token, body });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await api(server.url, 'GET', `/api/invites/${body.inviteId}/bundle`)).status);
      statuses.push((await api(server.url, 'GET', `/api/invites/${newInviteId()}/bundle`)).status);
    }
    expect(statuses).toEqual([200, 404, 200, 404, 200, 429]);
    const limited = await api<{ code: string }>(
      server.url,
      'GET',
      `/api/invites/${body.inviteId}/bundle`,
    );
    expect([limited.status, limited.body.code]).toEqual([429, 'rate_limited']);
  });
});
