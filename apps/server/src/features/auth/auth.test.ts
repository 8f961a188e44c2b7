import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, RawClient } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

const password = 'correct horse battery';

describe('accounts and sessions', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ env: { KNOCK_LIMIT_LOGIN_FAILURES: '3' } });
  });
  afterEach(() => server.close());

  const register = (body: Record<string, unknown>) =>
    api<{ code?: string }>(server.url, 'POST', '/api/users', { body });

  it('registers users under the username rules', async () => {
    expect((await register({ username: 'Alice_1', password })).status).toBe(201);
    expect((await register({ username: 'alice_1', password })).body).toMatchObject({
      code: 'username_taken',
    });
    expect((await register({ username: 'ab', password })).body).toMatchObject({
      code: 'invalid_username',
    });
    expect((await register({ username: '1abc', password })).body).toMatchObject({
      code: 'invalid_username',
    });
    expect((await register({ username: 'admin', password })).body).toMatchObject({
      code: 'invalid_username',
    });
    expect((await register({ username: 'bobby', password: 'short' })).body).toMatchObject({
      code: 'weak_password',
    });
    expect(
      (await register({ username: 'bobby', password, displayName: 'Bob\u202e' })).body,
    ).toMatchObject({
      code: 'invalid_display_name',
    });
    expect((await register({ username: 'bobby' })).body).toMatchObject({ code: 'bad_request' });
  });

  it('signs in with an HttpOnly SameSite cookie and requires the CSRF token for changes (T37)', async () => {
    await register({ username: 'alice', password });
    await register({ username: 'bob', password });
    const login = await api<{ csrfToken: string }>(server.url, 'POST', '/api/session', {
      body: { username: 'alice', password },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^knock_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = setCookie.split(';')[0] ?? '';
    const origin = new URL(server.url).origin;

    const session = await api(server.url, 'GET', '/api/session', { headers: { cookie } });
    expect(session.body).toMatchObject({
      user: { username: 'alice' },
      csrfToken: login.body.csrfToken,
    });

    const noToken = await api(server.url, 'POST', '/api/chats', {
      headers: { cookie, origin },
      body: { username: 'bob' },
    });
    expect(noToken.body).toMatchObject({ code: 'csrf_failed' });
    const crossSite = await api(server.url, 'POST', '/api/chats', {
      headers: { cookie, origin: 'https://evil.example', 'x-knock-csrf': login.body.csrfToken },
      body: { username: 'bob' },
    });
    expect(crossSite.body).toMatchObject({ code: 'origin_not_allowed' });
    const listed = await api<{ chats: unknown[] }>(server.url, 'GET', '/api/chats', {
      headers: { cookie },
    });
    expect(listed.body.chats).toEqual([]);

    const allowed = await api(server.url, 'POST', '/api/chats', {
      headers: { cookie, origin, 'x-knock-csrf': login.body.csrfToken },
      body: { username: 'bob' },
    });
    expect(allowed.status).toBe(200);

    const out = await api(server.url, 'DELETE', '/api/session', {
      headers: { cookie, 'x-knock-csrf': login.body.csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await api(server.url, 'GET', '/api/session', { headers: { cookie } })).status).toBe(
      401,
    );
  });

  it('closes the sockets opened with a token when it is revoked, and only those', async () => {
    await register({ username: 'alice', password });
    const mint = async () =>
      (
        await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
          body: { username: 'alice', password },
        })
      ).body.token;
    const [revoked, kept] = [await mint(), await mint()];
    const doomed = await RawClient.ready(server.wsUrl, revoked);
    const other = await RawClient.ready(server.wsUrl, kept);
    try {
      expect((await api(server.url, 'DELETE', '/api/session', { token: revoked })).status).toBe(
        204,
      );
      expect(await doomed.closed()).toBe(4401);
      other.send({ type: 'typing', chatId: 'AAAAAAAAAAAAAAAAAAAAAA', typing: true });
      expect(await other.next((f) => f.type === 'error')).toMatchObject({
        code: 'chat_not_found',
      });
      expect(other.closeCode).toBeUndefined();
    } finally {
      other.close();
    }
  });

  it('issues bearer tokens that a sign-out revokes', async () => {
    await register({ username: 'alice', password });
    const token = await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
      body: { username: 'alice', password },
    });
    expect(token.status).toBe(201);
    const t = token.body.token;
    expect((await api(server.url, 'GET', '/api/chats', { token: t })).status).toBe(200);
    expect((await api(server.url, 'DELETE', '/api/session', { token: t })).status).toBe(204);
    expect((await api(server.url, 'GET', '/api/chats', { token: t })).body).toMatchObject({
      code: 'unauthorized',
    });
    // A bearer token is not a cookie and a cookie value is not a bearer token.
    expect(
      (await api(server.url, 'GET', '/api/chats', { headers: { cookie: `knock_session=${t}` } }))
        .status,
    ).toBe(401);
  });

  it('locks out a username and IP after repeated failures, even for the right password', async () => {
    await register({ username: 'alice', password });
    for (let i = 0; i < 3; i++) {
      const failed = await api(server.url, 'POST', '/api/tokens', {
        body: { username: 'alice', password: 'wrong password' },
      });
      expect(failed.body).toMatchObject({ code: 'invalid_credentials' });
    }
    const locked = await api(server.url, 'POST', '/api/tokens', {
      body: { username: 'alice', password },
    });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'rate_limited' });
  });

  it('answers unknown users and wrong passwords alike', async () => {
    await register({ username: 'alice', password });
    const unknown = await api(server.url, 'POST', '/api/session', {
      body: { username: 'nobody', password },
    });
    const wrong = await api(server.url, 'POST', '/api/session', {
      body: { username: 'alice', password: 'not it at all' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({
      ...(wrong.body as object),
      requestId: (unknown.body as { requestId: string }).requestId,
    });
  });
});

describe('cookies over HTTPS', () => {
  it('uses the __Host- prefix and Secure when the public URL is https', async () => {
    const server = await startTestServer({ env: { KNOCK_PUBLIC_URL: 'https://knock.example' } });
    try {
      await api(server.url, 'POST', '/api/users', { body: { username: 'alice', password } });
      const login = await api(server.url, 'POST', '/api/session', {
        body: { username: 'alice', password },
      });
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^__Host-knock_session=/);
      expect(setCookie).toContain('Secure');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).not.toContain('Domain');
      expect(login.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await server.close();
    }
  });
});
