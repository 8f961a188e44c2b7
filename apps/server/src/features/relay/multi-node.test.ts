import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPostgres, postgresUrl, type TestDatabase } from '../../testing/databases.js';
import { api, RawClient, startChat, text, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

const redisUrl = process.env['KNOCK_TEST_REDIS_URL'];

describe.runIf(postgresUrl && redisUrl)('two nodes on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let one: TestServer;
  let two: TestServer;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    database = await freshPostgres(postgresUrl ?? '');
    // A namespace per test: rate-limit counters in a shared Redis outlive a run.
    const namespace = `knock-test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const env = { KNOCK_REDIS_URL: redisUrl ?? '', KNOCK_REDIS_NAMESPACE: namespace };
    one = await startTestServer({ database, env });
    two = await startTestServer({ database, env });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await one.close();
    await two.close();
    await database.drop();
  });

  it('delivers a message sent on one node to a recipient on the other, in order', async () => {
    const alice = await userWithToken(one.url, 'alice');
    const bob = await userWithToken(two.url, 'bob');
    const chat = await startChat(one.url, alice.token, 'bob');
    const a = await RawClient.ready(one.wsUrl, alice.token);
    const b = await RawClient.ready(two.wsUrl, bob.token);
    clients.push(a, b);
    for (let i = 0; i < 50; i++) {
      a.send({
        type: 'send',
        chatId: chat.id,
        clientMessageId: `msg-${String(i).padStart(4, '0')}`,
        ciphertext: text(`m${i}`),
      });
    }
    await b.next((f) => f.type === 'message' && f.seq === 50);
    expect(b.messages(chat.id).map((m) => m.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    b.send({ type: 'ack', chatId: chat.id, seq: 50 });
    expect(await a.next((f) => f.type === 'receipt')).toMatchObject({ kind: 'delivered', seq: 50 });
  });

  it('announces a chat started on another node', async () => {
    const alice = await userWithToken(one.url, 'alice');
    const bob = await userWithToken(two.url, 'bob');
    const b = await RawClient.ready(two.wsUrl, bob.token);
    clients.push(b);
    const chat = await startChat(one.url, alice.token, 'bob');
    expect(await b.next((f) => f.type === 'chat')).toMatchObject({ chat: { id: chat.id } });
  });

  it('catches up from the database when a cross-node hint is lost (T15)', async () => {
    const alice = await userWithToken(one.url, 'alice');
    const bob = await userWithToken(two.url, 'bob');
    const chat = await startChat(one.url, alice.token, 'bob');
    const b = await RawClient.ready(two.wsUrl, bob.token);
    clients.push(b);
    // Node one's hints go nowhere while node two is unsubscribed: simulate with a third node
    // that nobody listens to, then send a later message through node one.
    const lonely = await startTestServer({
      database,
      env: { KNOCK_REDIS_URL: 'redis://127.0.0.1:1' },
    });
    try {
      const a2 = await RawClient.ready(lonely.wsUrl, alice.token);
      a2.send({
        type: 'send',
        chatId: chat.id,
        clientMessageId: 'lost-hint-1',
        ciphertext: text('first'),
      });
      await a2.next((f) => f.type === 'sent');
      a2.close();
    } finally {
      await lonely.close();
    }
    const a = await RawClient.ready(one.wsUrl, alice.token);
    clients.push(a);
    a.send({
      type: 'send',
      chatId: chat.id,
      clientMessageId: 'with-hint-2',
      ciphertext: text('second'),
    });
    await b.next((f) => f.type === 'message' && f.seq === 2);
    expect(b.messages(chat.id).map((m) => [m.seq, m.ciphertext])).toEqual([
      [1, text('first')],
      [2, text('second')],
    ]);
  });

  it('tells peers on another node of a changed identity, and the owner of low prekeys', async () => {
    const alice = await userWithToken(one.url, 'alice');
    const bob = await userWithToken(two.url, 'bob');
    await startChat(one.url, alice.token, 'bob');
    const a = await RawClient.ready(one.wsUrl, alice.token);
    const b = await RawClient.ready(two.wsUrl, bob.token);
    clients.push(a, b);
    const key = (bytes: number) => randomBytes(bytes).toString('base64url');
    const keys = () => ({
      identity: { signingKey: key(32), dhKey: key(32), signature: key(64) },
      signedPrekey: { id: 1, publicKey: key(32), signature: key(64) },
      kemLastResort: { id: 1, lastResort: true, publicKey: key(1184), signature: key(64) },
      oneTimePrekeys: [{ id: 1, publicKey: key(32) }],
      kemOneTimePrekeys: [],
    });
    await api(two.url, 'PUT', '/api/keys', { token: bob.token, body: keys() });
    await api(two.url, 'PUT', '/api/keys', { token: bob.token, body: keys() });
    expect(await a.next((f) => f.type === 'identity_changed')).toMatchObject({
      userId: bob.user.id,
      identityVersion: 2,
    });
    const taken = await api(one.url, 'POST', '/api/users/bob/bundle', { token: alice.token });
    expect(taken.status).toBe(200);
    expect(await b.next((f) => f.type === 'keys_low')).toMatchObject({ oneTimePrekeys: 0 });
  });
});
