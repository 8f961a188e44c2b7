import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { fetchMetric } from '../../testing/metrics-text.js';
import { MiB, retainedBytes } from '../../testing/memory.js';
import { RawClient, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { beginUpgrade, tryUpgrade, type UpgradeOutcome } from '../../testing/upgrade.js';
import { waitFor } from '../../testing/wait.js';
import { AuthService } from '../auth/service.js';

const PER_IP = 5;

/** T33: one IP cannot hold more than its share of connections, and refusing costs ~nothing. */
describe('connection flood from one IP (T33)', () => {
  let server: TestServer | undefined;
  let database: TestDatabase | undefined;
  const open: UpgradeOutcome[] = [];
  const clients: RawClient[] = [];

  const start = async (env: Record<string, string>, kind = databaseKinds[0]!) => {
    database = await kind.create();
    const s = (server = await startTestServer({ env, database }));
    const alice = await userWithToken(s.url, 'alice');
    return { server: s, auth: { authorization: `Bearer ${alice.token}` } };
  };

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const o of open.splice(0)) if (o.upgraded) o.socket.destroy();
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    await database?.drop();
    server = undefined;
    database = undefined;
  });

  const refusedTotal = (s: TestServer, reason: string) =>
    fetchMetric(s.url, 'knock_ws_refused_total', { reason });

  it.each(databaseKinds)(
    'refuses concurrent upgrades beyond the per-IP cap with 429 and no WebSocket ($name)',
    async (kind) => {
      const { server: s, auth } = await start(
        {
          KNOCK_LIMIT_CONNECTIONS_PER_IP: String(PER_IP),
          KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '100000',
        },
        kind,
      );
      // All at once, and no session is looked up before every attempt has arrived: the cap must
      // hold while earlier upgrades are still being authenticated (as with a slow database).
      const ATTEMPTS = 40;
      let arrived = 0;
      s.app.fastify.server.on('upgrade', () => arrived++);
      const authenticate = AuthService.prototype.authenticate;
      vi.spyOn(AuthService.prototype, 'authenticate').mockImplementation(async function (
        this: AuthService,
        ...args: Parameters<AuthService['authenticate']>
      ) {
        await waitFor(() => arrived >= ATTEMPTS, 'every upgrade attempt to arrive');
        return authenticate.apply(this, args);
      });
      const attempts = await Promise.all(
        Array.from({ length: ATTEMPTS }, () => tryUpgrade(s.wsUrl, auth)),
      );
      open.push(...attempts);
      const accepted = attempts.filter((a) => a.upgraded);
      const refused = attempts.filter((a) => !a.upgraded);
      expect(accepted).toHaveLength(PER_IP);
      expect(refused).toHaveLength(ATTEMPTS - PER_IP);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(JSON.parse(r.body)).toMatchObject({ code: 'too_many_connections' });
      }
      expect(s.app.fastify.websocketServer.clients.size).toBe(PER_IP);
      expect(await fetchMetric(s.url, 'knock_ws_connections')).toBe(PER_IP);
      expect(await refusedTotal(s, 'too_many_connections')).toBe(ATTEMPTS - PER_IP);

      // A freed slot can be used again, and only one.
      const first = accepted[0];
      if (first?.upgraded) first.socket.destroy();
      await waitFor(() => s.app.fastify.websocketServer.clients.size === PER_IP - 1, 'a slot');
      const again = await Promise.all([tryUpgrade(s.wsUrl, auth), tryUpgrade(s.wsUrl, auth)]);
      open.push(...again);
      expect(again.map((a) => a.status).sort()).toEqual([101, 429]);
    },
  );

  it('frees the slot of an upgrade that was refused for another reason', async () => {
    const { server: s, auth } = await start({
      KNOCK_LIMIT_CONNECTIONS_PER_IP: String(PER_IP),
      KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '100000',
    });
    // Refused for no session or a foreign origin: these must not eat the IP's connection slots.
    for (let i = 0; i < 3 * PER_IP; i++) {
      const outcome = await tryUpgrade(
        s.wsUrl,
        i % 2 === 0 ? {} : { ...auth, origin: 'https://evil.example' },
      );
      open.push(outcome);
      expect(outcome.status).not.toBe(101);
    }
    for (let i = 0; i < PER_IP; i++) {
      const client = await RawClient.connect(s.wsUrl, auth);
      clients.push(client);
      await client.next((f) => f.type === 'ready');
    }
    expect(s.app.fastify.websocketServer.clients.size).toBe(PER_IP);
  });

  it('frees the slot of an upgrade whose client left while it was being authenticated', async () => {
    const { server: s, auth } = await start({
      KNOCK_LIMIT_CONNECTIONS_PER_IP: String(PER_IP),
      KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '100000',
    });
    const pending: Socket[] = [];
    s.app.fastify.server.on('upgrade', (_request: unknown, socket: Socket) => pending.push(socket));
    let release = false;
    const authenticate = AuthService.prototype.authenticate;
    vi.spyOn(AuthService.prototype, 'authenticate').mockImplementation(async function (
      this: AuthService,
      ...args: Parameters<AuthService['authenticate']>
    ) {
      await waitFor(() => release, 'the test to let authentication go on');
      return authenticate.apply(this, args);
    });
    // A full set of upgrades that hang in authentication, then their clients go away.
    const abandoned = Array.from({ length: PER_IP }, () => beginUpgrade(s.wsUrl, auth));
    await waitFor(() => pending.length === PER_IP, 'the upgrades to arrive');
    for (const { request, outcome } of abandoned) {
      outcome.catch(() => undefined);
      request.destroy();
    }
    await waitFor(
      () => pending.every((socket) => socket.readableEnded || socket.destroyed),
      'the server to see the clients leave',
    );
    release = true;
    // Their slots come back: a full set of new connections is accepted.
    for (let i = 0; i < PER_IP; i++) {
      const client = await RawClient.connect(s.wsUrl, auth);
      clients.push(client);
      await client.next((f) => f.type === 'ready');
    }
    expect(s.app.fastify.websocketServer.clients.size).toBe(PER_IP);
  });

  it('refuses upgrades beyond the node-wide cap with 503 slow_down', async () => {
    const { server: s, auth } = await start({
      KNOCK_LIMIT_CONNECTIONS_TOTAL: '3',
      KNOCK_LIMIT_CONNECTIONS_PER_IP: '100',
      KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '100000',
    });
    const attempts = await Promise.all(Array.from({ length: 6 }, () => tryUpgrade(s.wsUrl, auth)));
    open.push(...attempts);
    expect(attempts.map((a) => a.status).sort()).toEqual([101, 101, 101, 503, 503, 503]);
    for (const a of attempts) {
      if (!a.upgraded) expect(JSON.parse(a.body)).toMatchObject({ code: 'slow_down' });
    }
    expect(await refusedTotal(s, 'slow_down')).toBe(3);
  });

  it('refuses upgrades beyond the per-IP upgrade rate even when none stay open', async () => {
    const rate = 10;
    const { server: s, auth } = await start({
      KNOCK_LIMIT_CONNECTIONS_PER_IP: String(PER_IP),
      KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: String(rate),
    });
    for (let i = 0; i < rate; i++) {
      const client = await RawClient.connect(s.wsUrl, auth);
      client.close();
      expect(await client.closed()).toBeGreaterThan(0);
    }
    await waitFor(() => s.app.fastify.websocketServer.clients.size === 0, 'sockets to close');
    const over = await tryUpgrade(s.wsUrl, auth);
    open.push(over);
    expect(over.upgraded).toBe(false);
    expect(over.status).toBe(429);
    expect(await refusedTotal(s, 'too_many_connections')).toBe(1);
  });

  it('refuses 1,000 attempts without growing the heap', async () => {
    const { server: s, auth } = await start({
      KNOCK_LIMIT_CONNECTIONS_PER_IP: String(PER_IP),
      KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '1000000',
    });
    for (let i = 0; i < PER_IP; i++) {
      const client = await RawClient.connect(s.wsUrl, auth);
      clients.push(client);
    }
    const refuseMany = async (count: number) => {
      const lanes = 20;
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          for (let i = lane; i < count; i += lanes) {
            const outcome = await tryUpgrade(s.wsUrl, auth);
            if (outcome.upgraded) {
              outcome.socket.destroy();
              throw new Error('an upgrade beyond the cap was accepted');
            }
            expect(outcome.status).toBe(429);
          }
        }),
      );
    };
    await refuseMany(200); // warm up: JIT, pools, metric series
    const before = retainedBytes();
    await refuseMany(1000);
    const after = retainedBytes();
    // A leak of even 2 KB per attempt would show as 2 MB.
    expect(after - before).toBeLessThan(2 * MiB);
    expect(await refusedTotal(s, 'too_many_connections')).toBe(1200);
    expect(s.app.fastify.websocketServer.clients.size).toBe(PER_IP);
  });
});
