import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  api,
  ClientPool,
  startChat,
  text,
  userWithToken,
  type RawClient,
} from '../../testing/raw-client.js';
import { fetchMetric } from '../../testing/metrics-text.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

describe('messaging between two registered users', () => {
  let server: TestServer;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let chatId: string;
  const pool = new ClientPool(() => server.wsUrl);
  const { connect } = pool;

  beforeEach(async () => {
    server = await startTestServer();
    const a = await userWithToken(server.url, 'alice');
    const b = await userWithToken(server.url, 'bob');
    alice = { token: a.token, id: a.user.id };
    bob = { token: b.token, id: b.user.id };
    chatId = (await startChat(server.url, alice.token, 'bob')).id;
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  it('acks a send with its seq after commit and delivers it to the recipient', async () => {
    const a = await connect(alice.token);
    const b = await connect(bob.token);
    a.send({ type: 'send', chatId, clientMessageId: 'msg-0001', ciphertext: text('hello') });
    const ack = await a.next((f) => f.type === 'sent');
    expect(ack).toMatchObject({ chatId, clientMessageId: 'msg-0001', seq: 1 });
    const delivered = await b.next((f) => f.type === 'message');
    expect(delivered).toMatchObject({
      chatId,
      seq: 1,
      senderId: alice.id,
      ciphertext: text('hello'),
    });
    expect(await fetchMetric(server.url, 'knock_messages_in_total')).toBe(1);
    expect(await fetchMetric(server.url, 'knock_messages_out_total')).toBe(1);
    // The send went through one group commit (the recipient's ack may have made another).
    expect(await fetchMetric(server.url, 'knock_write_batch_seconds_count')).toBeGreaterThan(0);
    expect(await fetchMetric(server.url, 'knock_write_batch_writes_sum')).toBeGreaterThan(0);
  });

  it('answers a resend with the same seq even with other content (T9)', async () => {
    const a = await connect(alice.token);
    a.send({ type: 'send', chatId, clientMessageId: 'msg-0001', ciphertext: text('one') });
    a.send({ type: 'send', chatId, clientMessageId: 'msg-0001', ciphertext: text('two') });
    await a.next((f) => f.type === 'sent' && f.seq === 1);
    const acks = await new Promise<unknown[]>((resolve) => {
      const check = () => {
        const sent = a.frames.filter((f) => f.type === 'sent');
        if (sent.length === 2) resolve(sent);
        else setImmediate(check);
      };
      check();
    });
    expect(acks).toMatchObject([{ seq: 1 }, { seq: 1 }]);
  });

  it('sends delivered and read receipts and deletes acked ciphertext (T13)', async () => {
    const a = await connect(alice.token);
    const b = await connect(bob.token);
    a.send({ type: 'send', chatId, clientMessageId: 'msg-0001', ciphertext: text('hi') });
    await b.next((f) => f.type === 'message');
    b.send({ type: 'ack', chatId, seq: 1 });
    expect(await a.next((f) => f.type === 'receipt' && f.kind === 'delivered')).toMatchObject({
      seq: 1,
      userId: bob.id,
    });
    b.send({ type: 'read', chatId, seq: 1 });
    expect(await a.next((f) => f.type === 'receipt' && f.kind === 'read')).toMatchObject({
      seq: 1,
    });
    const listed = await api<{ chats: { peerAckedSeq: number; peerReadSeq: number }[] }>(
      server.url,
      'GET',
      '/api/chats',
      {
        token: alice.token,
      },
    );
    expect(listed.body.chats[0]).toMatchObject({ peerAckedSeq: 1, peerReadSeq: 1 });
  });

  it('sends a receipt only to a member whose messages the cursor passed', async () => {
    const a = await connect(alice.token);
    const b = await connect(bob.token);
    const send = (c: RawClient, n: number) =>
      c.send({ type: 'send', chatId, clientMessageId: `msg-000${n}`, ciphertext: text('hi') });
    send(a, 1);
    await b.next((f) => f.type === 'message' && f.seq === 1);
    b.send({ type: 'ack', chatId, seq: 1 });
    await a.next((f) => f.type === 'receipt' && f.seq === 1);
    a.send({ type: 'ack', chatId, seq: 1 });
    // Alice acks her own message (as the SDK does): nothing in it for Bob.
    send(a, 2);
    await a.next((f) => f.type === 'sent' && f.seq === 2);
    a.send({ type: 'ack', chatId, seq: 2 });
    send(b, 3);
    await a.next((f) => f.type === 'message' && f.seq === 3);
    a.send({ type: 'ack', chatId, seq: 3 });
    await b.next((f) => f.type === 'receipt' && f.seq === 3);
    // Seq 1 was written before the server had looked at the chat's cursors, so its author was
    // not known to it then: that receipt goes out to be safe. Seq 2's does not.
    expect(b.frames.flatMap((f) => (f.type === 'receipt' ? [f.seq] : []))).toEqual([1, 3]);
  });

  it('relays typing to the peer only', async () => {
    const a = await connect(alice.token);
    const b = await connect(bob.token);
    a.send({ type: 'typing', chatId, typing: true });
    expect(await b.next((f) => f.type === 'typing')).toMatchObject({
      userId: alice.id,
      typing: true,
    });
    expect(a.frames.some((f) => f.type === 'typing')).toBe(false);
  });

  it('refuses sends to chats the user is not in', async () => {
    const carol = await userWithToken(server.url, 'carol');
    const c = await connect(carol.token);
    c.send({ type: 'send', chatId, clientMessageId: 'msg-0001', ciphertext: text('intrude') });
    expect(await c.next((f) => f.type === 'error')).toMatchObject({
      code: 'chat_not_found',
      ref: 'msg-0001',
    });
  });

  it('announces a new chat to a connected peer and delivers in it', async () => {
    const carol = await userWithToken(server.url, 'carol');
    const c = await connect(carol.token);
    const a = await connect(alice.token);
    const started = await startChat(server.url, alice.token, 'carol');
    expect(await c.next((f) => f.type === 'chat')).toMatchObject({
      chat: { id: started.id, peer: { username: 'alice' } },
    });
    a.send({
      type: 'send',
      chatId: started.id,
      clientMessageId: 'msg-0002',
      ciphertext: text('hi carol'),
    });
    expect(await c.next((f) => f.type === 'message')).toMatchObject({ chatId: started.id, seq: 1 });
  });
});
