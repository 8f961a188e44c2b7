import type { ChatListResponse } from '@knock/protocol/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Db } from '../../platform/db/connect.js';
import { loadConfig } from '../../platform/config.js';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { api, RawClient, startChat, text, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

/** The chat lifetime the server runs with: the documented default. */
const TTL_MS = loadConfig({}).chatTtlMs;

/** T21: a chat lives exactly KNOCK_CHAT_TTL_DAYS after its last message, then is purged. */
describe.each(databaseKinds)('chat expiry with an injected clock (T21, $name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let db: Db;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let chatId: string;
  let createdAt: number;
  let a: RawClient;
  let b: RawClient;
  let sends = 0;
  const clients: RawClient[] = [];

  const ready = async (token: string) => {
    const client = await RawClient.ready(server.wsUrl, token);
    clients.push(client);
    return client;
  };

  /** Sends one message as `client`; resolves with the `sent` ack or the `error` frame. */
  const send = async (client: RawClient, chat = chatId) => {
    const clientMessageId = `message-${String(++sends).padStart(4, '0')}`;
    client.send({ type: 'send', chatId: chat, clientMessageId, ciphertext: text('hello') });
    return client.next(
      (f) =>
        (f.type === 'sent' && f.clientMessageId === clientMessageId) ||
        (f.type === 'error' && f.ref === clientMessageId),
    );
  };

  const listed = async (token: string) =>
    (await api<ChatListResponse>(server.url, 'GET', '/api/chats', { token })).body.chats;

  const rows = async (chat: string) => ({
    chats: (await db.kysely.selectFrom('chats').select('id').where('id', '=', chat).execute())
      .length,
    members: (
      await db.kysely
        .selectFrom('chat_members')
        .select('user_id')
        .where('chat_id', '=', chat)
        .execute()
    ).length,
    messages: (
      await db.kysely.selectFrom('messages').select('seq').where('chat_id', '=', chat).execute()
    ).length,
  });

  beforeEach(async () => {
    database = await kind.create();
    server = await startTestServer({ database });
    db = connect(database.config);
    const aliceToken = await userWithToken(server.url, 'alice');
    const bobToken = await userWithToken(server.url, 'bob');
    alice = { token: aliceToken.token, id: aliceToken.user.id };
    bob = { token: bobToken.token, id: bobToken.user.id };
    const chat = await startChat(server.url, alice.token, 'bob');
    chatId = chat.id;
    createdAt = chat.lastActivityAt;
    a = await ready(alice.token);
    b = await ready(bob.token);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await db.close();
    await server.close();
    await database.drop();
  });

  it('runs with the documented default of 10 days', () => {
    expect(TTL_MS).toBe(10 * 86_400_000);
  });

  it('keeps a chat until 1 ms before its time, and each message restarts the countdown', async () => {
    expect(createdAt).toBe(server.clock.now());
    expect((await listed(alice.token))[0]).toMatchObject({
      id: chatId,
      expiresAt: createdAt + TTL_MS,
    });

    server.clock.set(createdAt + TTL_MS - 1);
    expect(await server.app.sweeper.runOnce()).toBe(0);
    expect((await listed(bob.token)).map((c) => c.id)).toEqual([chatId]);
    const ack = await send(a);
    expect(ack).toMatchObject({ type: 'sent', seq: 1, sentAt: createdAt + TTL_MS - 1 });
    expect(await b.next((f) => f.type === 'message')).toMatchObject({ chatId, seq: 1 });

    const lastActivity = createdAt + TTL_MS - 1;
    expect((await listed(bob.token))[0]).toMatchObject({
      lastActivityAt: lastActivity,
      expiresAt: lastActivity + TTL_MS,
    });
    server.clock.set(lastActivity + TTL_MS - 1);
    expect(await server.app.sweeper.runOnce()).toBe(0);
    expect(await rows(chatId)).toEqual({ chats: 1, members: 2, messages: 1 });
    expect(a.frames.concat(b.frames).some((f) => f.type === 'chat_closed')).toBe(false);
  });

  it('purges the chat at exactly its expiry and tells the connected members why', async () => {
    expect(await send(a)).toMatchObject({ type: 'sent', seq: 1 });
    expect(await send(b)).toMatchObject({ type: 'sent', seq: 2 });
    const lastActivity = server.clock.now();
    // Another chat of Alice's, active later, must survive the sweep.
    await userWithToken(server.url, 'carol');
    server.clock.set(lastActivity + 1000);
    const other = await startChat(server.url, alice.token, 'carol');
    await a.next((f) => f.type === 'chat' && f.chat.id === other.id);
    expect(await send(a, other.id)).toMatchObject({ type: 'sent', seq: 1 });

    server.clock.set(lastActivity + TTL_MS);
    expect(await server.app.sweeper.runOnce()).toBe(1);
    for (const client of [a, b]) {
      expect(await client.next((f) => f.type === 'chat_closed')).toEqual({
        type: 'chat_closed',
        chatId,
        reason: 'expired',
      });
    }
    expect(await rows(chatId)).toEqual({ chats: 0, members: 0, messages: 0 });
    expect(await rows(other.id)).toEqual({ chats: 1, members: 2, messages: 1 });
    expect((await listed(alice.token)).map((c) => c.id)).toEqual([other.id]);
    expect(await listed(bob.token)).toEqual([]);
    const single = await api(server.url, 'GET', `/api/chats/${chatId}`, { token: bob.token });
    expect(single).toMatchObject({ status: 404, body: { code: 'chat_not_found' } });

    // Sends and syncs to it now fail, on the open sockets and on new ones.
    expect(await send(a)).toMatchObject({ type: 'error', code: 'chat_not_found' });
    const fresh = await ready(bob.token);
    expect(await send(fresh)).toMatchObject({ type: 'error', code: 'chat_not_found' });
    fresh.send({ type: 'sync', chatId, afterSeq: 0 });
    expect(await fresh.next((f) => f.type === 'error' && f.ref === chatId)).toMatchObject({
      code: 'chat_not_found',
    });
    expect(fresh.messages(chatId)).toEqual([]);
    // Carol's chat is untouched, and a new chat between Alice and Bob starts from scratch.
    expect(await send(a, other.id)).toMatchObject({ type: 'sent', seq: 2 });
    expect((await startChat(server.url, bob.token, 'alice')).id).not.toBe(chatId);
  });

  it('refuses a send that arrives after expiry but before the sweep', async () => {
    expect(await send(a)).toMatchObject({ type: 'sent', seq: 1 });
    const lastActivity = server.clock.now();
    server.clock.set(lastActivity + TTL_MS);

    const late = await send(b);
    expect(late).toMatchObject({ type: 'error', code: 'chat_not_found' });
    // Nothing was stored, nothing relayed, and the refused send did not revive the chat.
    expect(await rows(chatId)).toMatchObject({ chats: 1, messages: 1 });
    expect(a.messages(chatId)).toEqual([]);
    expect(await listed(alice.token)).toEqual([]);
    expect(await server.app.sweeper.runOnce()).toBe(1);
    expect(await a.next((f) => f.type === 'chat_closed')).toMatchObject({
      chatId,
      reason: 'expired',
    });
    expect(await rows(chatId)).toEqual({ chats: 0, members: 0, messages: 0 });
  });
});
