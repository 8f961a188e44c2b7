import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionResponse } from '@knock/protocol/http';
import { api, RawClient, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { tryUpgrade, type UpgradeOutcome } from '../../testing/upgrade.js';

const DAY = 86_400_000;

/** T36: a WebSocket is only opened from the allowed origin with a valid session. */
describe('WebSocket upgrade authentication (T36)', () => {
  let server: TestServer;
  let origin: string;
  let token: string;
  let userId: string;
  const clients: RawClient[] = [];

  /** Signs in as a browser would and returns the Cookie header value. */
  const browserSession = async (): Promise<string> => {
    const login = await api<SessionResponse>(server.url, 'POST', '/api/session', {
      body: { username: 'alice', password: 'alice-password-123' },
      headers: { origin },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    const pair = /^(knock_session=[A-Za-z0-9_-]+);/.exec(setCookie)?.[1];
    expect(pair, `session cookie in "${setCookie}"`).toBeDefined();
    return pair as string;
  };

  const expectRefused = (outcome: UpgradeOutcome, status: number, code: string) => {
    if (outcome.upgraded) {
      outcome.socket.destroy();
      throw new Error(`upgrade was accepted; expected ${status} ${code}`);
    }
    expect(outcome.status).toBe(status);
    expect(JSON.parse(outcome.body)).toMatchObject({ code });
  };

  /** Accepted means a real session: the server says `ready` for the right user. */
  const expectAccepted = async (headers: Record<string, string>) => {
    const client = await RawClient.connect(server.wsUrl, headers);
    clients.push(client);
    expect(await client.next((f) => f.type === 'ready')).toMatchObject({ userId });
  };

  beforeEach(async () => {
    server = await startTestServer();
    origin = `http://127.0.0.1:${new URL(server.url).port}`; // KNOCK_PUBLIC_URL of the test server
    const alice = await userWithToken(server.url, 'alice');
    token = alice.token;
    userId = alice.user.id;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('refuses an upgrade without any session (401)', async () => {
    expectRefused(await tryUpgrade(server.wsUrl), 401, 'unauthorized');
    expectRefused(await tryUpgrade(server.wsUrl, { origin }), 401, 'unauthorized');
  });

  it('refuses a bad or malformed bearer token (401)', async () => {
    const bad = ['Bearer not-a-real-token-aaaaaaaaaaaaaaaaaaaa', 'Bearer ', 'Basic abc', token];
    for (const authorization of bad) {
      expectRefused(await tryUpgrade(server.wsUrl, { authorization }), 401, 'unauthorized');
    }
    // A bearer token does not work as a cookie, nor a cookie as a bearer token.
    const cookie = await browserSession();
    const cookieValue = cookie.split('=')[1] as string;
    expectRefused(
      await tryUpgrade(server.wsUrl, { authorization: `Bearer ${cookieValue}` }),
      401,
      'unauthorized',
    );
    expectRefused(
      await tryUpgrade(server.wsUrl, { origin, cookie: `knock_session=${token}` }),
      401,
      'unauthorized',
    );
  });

  it('refuses a foreign Origin even with a valid token or cookie (403)', async () => {
    const cookie = await browserSession();
    const port = new URL(origin).port;
    const foreign = [
      'https://evil.example',
      'null',
      `http://localhost:${port}`, // same host by another name is another origin
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${Number(port) + 1}`,
    ];
    for (const o of foreign) {
      expectRefused(
        await tryUpgrade(server.wsUrl, { origin: o, authorization: `Bearer ${token}` }),
        403,
        'origin_not_allowed',
      );
      expectRefused(
        await tryUpgrade(server.wsUrl, { origin: o, cookie }),
        403,
        'origin_not_allowed',
      );
    }
  });

  it('refuses a session cookie that comes without an Origin (401)', async () => {
    const cookie = await browserSession();
    expectRefused(await tryUpgrade(server.wsUrl, { cookie }), 401, 'unauthorized');
  });

  it('refuses a session that was signed out or has expired (401)', async () => {
    const cookie = await browserSession();
    const out = await api(server.url, 'DELETE', '/api/session', { token });
    expect(out.status).toBe(204);
    expectRefused(
      await tryUpgrade(server.wsUrl, { authorization: `Bearer ${token}` }),
      401,
      'unauthorized',
    );
    await expectAccepted({ origin, cookie });
    server.clock.advance(30 * DAY); // cookie sessions live 30 days
    expectRefused(await tryUpgrade(server.wsUrl, { origin, cookie }), 401, 'unauthorized');
  });

  it('accepts the right Origin with a session cookie', async () => {
    const cookie = await browserSession();
    await expectAccepted({ origin, cookie });
  });

  it('accepts a bearer token without an Origin (and with the right one)', async () => {
    await expectAccepted({ authorization: `Bearer ${token}` });
    await expectAccepted({ authorization: `Bearer ${token}`, origin });
  });

  it('takes a browser bearer token as a subprotocol, answering only `knock`', async () => {
    const protocols = `knock, knock.bearer.${token}`;
    const client = await RawClient.connect(server.wsUrl, { origin }, [
      'knock',
      `knock.bearer.${token}`,
    ]);
    clients.push(client);
    expect(await client.next((f) => f.type === 'ready')).toMatchObject({ userId });
    expect(client.protocol).toBe('knock');
    // A foreign page cannot use it, and a bad, doubled or cookie value never counts.
    const evil = 'https://evil.example';
    expectRefused(
      await tryUpgrade(server.wsUrl, { origin: evil, 'sec-websocket-protocol': protocols }),
      403,
      'origin_not_allowed',
    );
    const cookieValue = (await browserSession()).split('=')[1] as string;
    for (const offer of [
      'knock, knock.bearer.not-a-real-token-aaaaaaaaaaaaaaaa',
      'knock, knock.bearer.',
      `knock, knock.bearer.${token}, knock.bearer.${token}`,
      `knock, knock.bearer.${cookieValue}`,
    ]) {
      expectRefused(
        await tryUpgrade(server.wsUrl, { origin, 'sec-websocket-protocol': offer }),
        401,
        'unauthorized',
      );
    }
  });

  it('counts every refusal in knock_ws_refused_total by reason', async () => {
    expectRefused(await tryUpgrade(server.wsUrl), 401, 'unauthorized');
    expectRefused(
      await tryUpgrade(server.wsUrl, { origin: 'https://evil.example' }),
      403,
      'origin_not_allowed',
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/knock_ws_refused_total\{reason="unauthorized"\} 1\b/);
    expect(metrics).toMatch(/knock_ws_refused_total\{reason="origin_not_allowed"\} 1\b/);
  });
});
