import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Db } from '../../platform/db/connect.js';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { aliceAndBob, ClientPool, text } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

/**
 * Delivered and read cursors move in memory and reach storage within a second (CursorBook): the
 * receipt does not wait for the disk, and storage still ends up with every move.
 */
describe.each(databaseKinds)('cursors reach storage ($name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let db: Db;
  const pool = new ClientPool(() => server.wsUrl);

  beforeEach(async () => {
    database = await kind.create();
    server = await startTestServer({ database });
    db = connect(database.config);
  });
  afterEach(async () => {
    pool.closeAll();
    await db.close();
    await server.close().catch(() => undefined);
    await database.drop();
  });

  const stored = (chatId: string) =>
    db.kysely
      .selectFrom('chat_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.username', 'm.acked_seq', 'm.read_seq'])
      .where('m.chat_id', '=', chatId)
      .orderBy('u.username')
      .execute();
  const payloads = (chatId: string) =>
    db.kysely
      .selectFrom('messages')
      .select(['seq', 'ciphertext'])
      .where('chat_id', '=', chatId)
      .orderBy('seq')
      .execute();

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const value = await read();
      if (done(value) || performance.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function sendThree() {
    const { alice, bob, chat } = await aliceAndBob(server.url);
    const a = await pool.connect(alice.token);
    const b = await pool.connect(bob.token);
    for (const n of [1, 2, 3]) {
      a.send({
        type: 'send',
        chatId: chat.id,
        clientMessageId: `msg-000${n}`,
        ciphertext: text('x'),
      });
    }
    await b.next((f) => f.type === 'message' && f.seq === 3);
    return { alice, bob, chat, a, b };
  }

  it('stores acks and reads on its own within a second, then deletes the delivered payloads', async () => {
    const { chat, a, b } = await sendThree();
    b.send({ type: 'ack', chatId: chat.id, seq: 2 });
    b.send({ type: 'read', chatId: chat.id, seq: 1 });
    await a.next((f) => f.type === 'receipt' && f.kind === 'read');

    const rows = await eventually(
      () => stored(chat.id),
      (r) => r[1]?.acked_seq === 2,
    );
    expect(rows).toEqual([
      { username: 'alice', acked_seq: 0, read_seq: 0 },
      { username: 'bob', acked_seq: 2, read_seq: 1 },
    ]);
    const left = await eventually(
      () => payloads(chat.id),
      (p) => p[1]?.ciphertext === null,
    );
    expect(left.map((p) => p.ciphertext === null)).toEqual([true, true, false]);
  });

  it('answers chat reads with every move made so far', async () => {
    const { alice, chat, a, b } = await sendThree();
    b.send({ type: 'ack', chatId: chat.id, seq: 3 });
    await a.next((f) => f.type === 'receipt');
    const response = await fetch(`${server.url}/api/chats/${chat.id}`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(await response.json()).toMatchObject({ chat: { peerAckedSeq: 3 } });
  });

  it('keeps every move across a graceful restart: nothing acked is delivered again', async () => {
    const { bob, chat, a, b } = await sendThree();
    b.send({ type: 'ack', chatId: chat.id, seq: 2 });
    await a.next((f) => f.type === 'receipt');
    await server.app.close();

    server = await startTestServer({ database });
    const again = await pool.connect(bob.token);
    await again.next((f) => f.type === 'message');
    expect(again.messages(chat.id).map((m) => m.seq)).toEqual([3]);
    expect((await stored(chat.id))[1]).toMatchObject({ acked_seq: 2 });
  });
});
