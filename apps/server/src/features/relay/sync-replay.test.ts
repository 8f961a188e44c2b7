import { SYNC_PAGE_SIZE } from '@knock/protocol/limits';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import type { RawClient } from '../../testing/raw-client.js';
import { ClientPool, startChat, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import {
  messageId,
  payloadOf,
  range,
  receivedSeq,
  sendAll,
  seqRuns,
} from '../../testing/traffic.js';
import { waitFor } from '../../testing/wait.js';
import { MessagesRepository } from '../messages/repository.js';
import { Connection } from './connection.js';

const BACKLOG = 500;

/** T12: an offline recipient gets everything, paged, in order; a gap it reports is back-filled. */
describe.each(databaseKinds)('offline catch-up and gap back-fill (T12, $name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let chatId: string;
  let acked: Map<string, number>;
  let sender: RawClient;
  const pool = new ClientPool(() => server.wsUrl);
  const { connect } = pool;

  beforeEach(async () => {
    database = await kind.create();
    // The test pipelines 500 sends: the per-socket frame budget is not what is under test.
    server = await startTestServer({ database, env: { KNOCK_LIMIT_FRAMES_PER_SECOND: '100000' } });
    const a = await userWithToken(server.url, 'alice');
    const b = await userWithToken(server.url, 'bob');
    alice = { token: a.token, id: a.user.id };
    bob = { token: b.token, id: b.user.id };
    chatId = (await startChat(server.url, alice.token, 'bob')).id;
    // Bob is offline while Alice sends the backlog.
    sender = await connect(alice.token);
    acked = await sendAll(
      sender,
      chatId,
      range(1, BACKLOG).map((i) => messageId('backlog', i)),
    );
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    pool.closeAll();
    await server.close();
    await database.drop();
  });

  /** Each received message is the one Alice sent under that seq, with its payload. */
  const expectIntact = (messages: ReturnType<RawClient['messages']>) => {
    const bySeq = new Map([...acked].map(([id, seq]) => [seq, id]));
    for (const m of messages) {
      const id = bySeq.get(m.seq);
      expect(m, `seq ${m.seq}`).toMatchObject({
        senderId: alice.id,
        clientMessageId: id,
        ciphertext: payloadOf(id ?? ''),
      });
    }
  };

  it('acks the backlog with dense seqs in send order', () => {
    // Acks may arrive in any order; the seqs they carry follow the order of the sends.
    expect(range(1, BACKLOG).map((i) => acked.get(messageId('backlog', i)))).toEqual(
      range(1, BACKLOG),
    );
  });

  it('delivers all 500 on reconnect, read from storage in pages, in order, once each', async () => {
    const reads: { afterSeq: number; limit: number }[] = [];
    const after = MessagesRepository.prototype.after;
    vi.spyOn(MessagesRepository.prototype, 'after').mockImplementation(function (
      this: MessagesRepository,
      chat: string,
      afterSeq: number,
      limit: number,
    ) {
      if (chat === chatId) reads.push({ afterSeq, limit });
      return after.call(this, chat, afterSeq, limit);
    });

    const b = await connect(bob.token);
    const received = await receivedSeq(b, chatId, BACKLOG);
    expect(received.map((m) => m.seq)).toEqual(range(1, BACKLOG));
    expectIntact(received);
    // Nothing is sent twice, and `ready` came first.
    expect(b.frames[0]?.type).toBe('ready');
    expect(b.frames.filter((f) => f.type === 'message')).toHaveLength(BACKLOG);

    // Storage was paged, never read whole: pages of SYNC_PAGE_SIZE, each after the previous.
    expect(reads.length).toBeGreaterThanOrEqual(BACKLOG / SYNC_PAGE_SIZE);
    for (const read of reads) expect(read.limit).toBe(SYNC_PAGE_SIZE);
    expect(reads.map((r) => r.afterSeq).slice(0, BACKLOG / SYNC_PAGE_SIZE)).toEqual(
      range(0, BACKLOG / SYNC_PAGE_SIZE - 1).map((page) => page * SYNC_PAGE_SIZE),
    );
  });

  it('resumes after the last acknowledged seq, without resending what was acked', async () => {
    const first = await connect(bob.token);
    await receivedSeq(first, chatId, BACKLOG);
    first.send({ type: 'ack', chatId, seq: 300 });
    // The ack is durable once Alice is told it was delivered.
    await sender.next((f) => f.type === 'receipt' && f.kind === 'delivered' && f.seq === 300);
    first.close();
    await first.closed();

    const again = await connect(bob.token);
    const received = await receivedSeq(again, chatId, BACKLOG);
    expect(received.map((m) => m.seq)).toEqual(range(301, BACKLOG));
    expectIntact(received);
  });

  it('replays from an earlier afterSeq when the client reports a gap', async () => {
    const b = await connect(bob.token);
    await receivedSeq(b, chatId, BACKLOG);
    // The client lost 201..260 (say, a crash before it persisted them): it asks from 200.
    b.send({ type: 'sync', chatId, afterSeq: 200 });
    const received = await receivedSeq(b, chatId, BACKLOG, 2);
    expect(seqRuns(received.map((m) => m.seq))).toEqual([range(1, BACKLOG), range(201, BACKLOG)]);
    expectIntact(received);

    // Live delivery goes on after the replay, with the next seq, once.
    const live = await sendAll(sender, chatId, [messageId('live', 1)]);
    expect(live.get(messageId('live', 1))).toBe(BACKLOG + 1);
    const after = await receivedSeq(b, chatId, BACKLOG + 1);
    expect(after.filter((m) => m.seq === BACKLOG + 1)).toHaveLength(1);
    expect(after.at(-1)?.seq).toBe(BACKLOG + 1);
  });

  it('restarts the replay when a sync arrives in the middle of a catch-up', async () => {
    // Hold the storage read of the third page until the client's sync has been taken in, so the
    // sync lands exactly while a page is being read.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const after = MessagesRepository.prototype.after;
    vi.spyOn(MessagesRepository.prototype, 'after').mockImplementation(async function (
      this: MessagesRepository,
      chat: string,
      afterSeq: number,
      limit: number,
    ) {
      const page = await after.call(this, chat, afterSeq, limit);
      if (chat === chatId && afterSeq === 2 * SYNC_PAGE_SIZE) await held;
      return page;
    });
    const resync = vi.spyOn(Connection.prototype, 'resync');

    const b = await connect(bob.token);
    await receivedSeq(b, chatId, 2 * SYNC_PAGE_SIZE);
    b.send({ type: 'sync', chatId, afterSeq: 50 });
    await waitFor(() => resync.mock.calls.length === 1, 'the sync to reach the connection');
    release();

    await receivedSeq(b, chatId, BACKLOG);
    // The page read before the sync is dropped; the replay starts right after 50, no hole.
    expect(seqRuns(b.messages(chatId).map((m) => m.seq))).toEqual([
      range(1, 2 * SYNC_PAGE_SIZE),
      range(51, BACKLOG),
    ]);
    expectIntact(b.messages(chatId));
  });

  it('refuses a sync for a chat the user is not in', async () => {
    const carol = await userWithToken(server.url, 'carol');
    const c = await connect(carol.token);
    c.send({ type: 'sync', chatId, afterSeq: 0 });
    expect(await c.next((f) => f.type === 'error')).toMatchObject({
      code: 'chat_not_found',
      ref: chatId,
    });
    expect(c.messages(chatId)).toHaveLength(0);
  });
});
