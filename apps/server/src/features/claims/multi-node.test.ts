import type { TokenResponse } from '@knock/protocol/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHEAP_PROOF_ENV, claim, guestOf } from '../../testing/claims.js';
import { freshPostgres, postgresUrl, type TestDatabase } from '../../testing/databases.js';
import { createInviteBody } from '../../testing/invite-bundles.js';
import { api, RawClient, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

const redisUrl = process.env['KNOCK_TEST_REDIS_URL'];
/** T29, T30: what a host does on one node holds on every node within a second. */
const WITHIN_MS = 1000;

describe.runIf(postgresUrl && redisUrl)('guest claims on two nodes (PostgreSQL, Redis)', () => {
  let database: TestDatabase;
  let one: TestServer;
  let two: TestServer;
  let host: TokenResponse;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    database = await freshPostgres(postgresUrl ?? '');
    const namespace = `knock-test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const env = {
      ...CHEAP_PROOF_ENV,
      KNOCK_REDIS_URL: redisUrl ?? '',
      KNOCK_REDIS_NAMESPACE: namespace,
      // Claims come "from many addresses": each request names its own.
      KNOCK_TRUST_PROXY: '1',
      KNOCK_LIMIT_CLAIMS_PER_INVITE_MINUTE: '5',
    };
    one = await startTestServer({ database, env });
    two = await startTestServer({ database, env });
    host = await userWithToken(one.url, 'ann');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await one.close();
    await two.close();
    await database.drop();
  });

  it('closes a blocked guest on the other node at once; its token no longer works (T30)', async () => {
    const { guest } = await guestOf(one.url, host.token);
    const onTwo = await RawClient.ready(two.wsUrl, guest.token);
    clients.push(onTwo);
    const blocked = await api(one.url, 'POST', `/api/chats/${guest.chat.id}/block`, {
      token: host.token,
    });
    expect(blocked.status).toBe(204);
    const closed = await onTwo.next((f) => f.type === 'chat_closed', WITHIN_MS);
    expect(closed).toMatchObject({ reason: 'ended' });
    expect(await onTwo.closed()).toBe(4401);
    await expect(RawClient.ready(two.wsUrl, guest.token)).rejects.toThrow(/401/);
  });

  it('holds a link to its claim limit across nodes and many IPs, with one notice (T26)', async () => {
    const hostWs = await RawClient.ready(two.wsUrl, host.token);
    clients.push(hostWs);
    const flooded = createInviteBody({ kind: 'reusable' });
    const quiet = createInviteBody({ kind: 'reusable' });
    for (const body of [flooded, quiet]) {
      await api(one.url, 'POST', '/api/invites', { token: host.token, body });
    }
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const node = i % 2 === 0 ? one : two;
      const headers = { 'x-forwarded-for': `198.51.100.${i + 1}` };
      statuses.push((await claim(node.url, flooded.inviteId, { headers })).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    await hostWs.next((f) => f.type === 'invite_notice' && f.notice === 'claim_flood');
    // Another link of the same host is unaffected.
    const other = await claim(two.url, quiet.inviteId, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(other.status).toBe(201);
    expect(hostWs.frames.filter((f) => f.type === 'invite_notice')).toHaveLength(1);
  });
});
