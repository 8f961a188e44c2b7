import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import type { RawClient } from '../../testing/raw-client.js';
import { ClientPool, startChat, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import {
  acksOf,
  messageId,
  payloadOf,
  range,
  receivedSeq,
  seqRuns,
} from '../../testing/traffic.js';
import { waitFor } from '../../testing/wait.js';

const PER_SENDER = 200;
const TOTAL = 2 * PER_SENDER;

interface Entry {
  senderId: string;
  clientMessageId: string;
}

/** T14: two people writing at once; everyone sees one order, dense, each sender's order kept. */
describe.each(databaseKinds)('two concurrent senders in one chat (T14, $name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  const pool = new ClientPool(() => server.wsUrl);
  const { clients, connect } = pool;

  beforeEach(async () => {
    database = await kind.create();
    server = await startTestServer({ database, env: { KNOCK_LIMIT_FRAMES_PER_SECOND: '100000' } });
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
    await database.drop();
  });

  /**
   * Sends PER_SENDER messages in bursts of 1–8, like a client draining its outbox: the next burst
   * goes once at most 4 are unacknowledged, so both senders' messages share batches.
   */
  const sendInterleaved = async (client: RawClient, chatId: string, prefix: string) => {
    let i = 0;
    while (i < PER_SENDER) {
      const burst = 1 + Math.floor(Math.random() * 8);
      for (let j = 0; j < burst && i < PER_SENDER; j++, i++) {
        const id = messageId(prefix, i);
        client.send({ type: 'send', chatId, clientMessageId: id, ciphertext: payloadOf(id) });
      }
      const sent = i;
      await waitFor(() => sent - acksOf(client, chatId).size <= 4, 'acks to catch up');
    }
  };

  it('gives every participant one identical total order, seqs 1..N dense', async () => {
    const alice = await userWithToken(server.url, 'alice');
    const bob = await userWithToken(server.url, 'bob');
    const chatId = (await startChat(server.url, alice.token, 'bob')).id;
    const a1 = await connect(alice.token); // sends
    const a2 = await connect(alice.token); // Alice's other device
    const b1 = await connect(bob.token); // sends
    const b2 = await connect(bob.token); // Bob's other device
    let reader = await connect(bob.token); // drops out half-way and comes back
    const readerStreams: RawClient[] = [reader];

    const sending = Promise.all([
      sendInterleaved(a1, chatId, 'alice'),
      sendInterleaved(b1, chatId, 'bob'),
    ]);
    // While the senders are busy, the reader acknowledges what it has, drops and reconnects.
    await waitFor(() => reader.messages(chatId).length >= TOTAL / 4, 'the reader to get a share');
    const ackedByReader = reader.messages(chatId).at(-1)?.seq ?? 0;
    reader.send({ type: 'ack', chatId, seq: ackedByReader });
    await a1.next((f) => f.type === 'receipt' && f.seq === ackedByReader);
    reader.close();
    await reader.closed();
    reader = await connect(bob.token);
    readerStreams.push(reader);
    await sending;

    await waitFor(
      () => acksOf(a1, chatId).size === PER_SENDER && acksOf(b1, chatId).size === PER_SENDER,
      'every send to be acked',
    );
    for (const c of [a2, b2, reader]) await receivedSeq(c, chatId, TOTAL);
    expect(clients.flatMap((c) => c.frames).filter((f) => f.type === 'error')).toEqual([]);

    // The order, as the senders learnt it from their acks: dense 1..N.
    const order = new Map<number, Entry>();
    for (const [client, user] of [
      [a1, alice.user.id],
      [b1, bob.user.id],
    ] as const) {
      for (const [clientMessageId, seq] of acksOf(client, chatId)) {
        expect(order.has(seq), `seq ${seq} given twice`).toBe(false);
        order.set(seq, { senderId: user, clientMessageId });
      }
    }
    expect([...order.keys()].sort((x, y) => x - y)).toEqual(range(1, TOTAL));

    // Each sender's messages keep the order they were sent in.
    for (const prefix of ['alice', 'bob']) {
      const acks = acksOf(prefix === 'alice' ? a1 : b1, chatId);
      const seqs = range(0, PER_SENDER - 1).map((i) => acks.get(messageId(prefix, i)) ?? -1);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    // The senders really were interleaved (else this test proves little).
    const senders = range(1, TOTAL).map((seq) => order.get(seq)?.senderId);
    const switches = senders.filter((s, i) => i > 0 && s !== senders[i - 1]).length;
    expect(switches).toBeGreaterThanOrEqual(10);

    /** What a connection saw, as (sender, id) per seq, checked against the one order. */
    const seen = (client: RawClient) => {
      const messages = client.messages(chatId);
      for (const m of messages) {
        expect({ senderId: m.senderId, clientMessageId: m.clientMessageId }).toEqual(
          order.get(m.seq),
        );
        if (m.ciphertext !== undefined) expect(m.ciphertext).toBe(payloadOf(m.clientMessageId));
      }
      return messages.map((m) => m.seq);
    };

    // The other devices get everything, once, in order.
    expect(seqRuns(seen(a2))).toEqual([range(1, TOTAL)]);
    expect(seqRuns(seen(b2))).toEqual([range(1, TOTAL)]);

    // The senders' own connections: strictly increasing, and with their own acks nothing missing.
    for (const [client, own] of [
      [a1, alice.user.id],
      [b1, bob.user.id],
    ] as const) {
      const seqs = seen(client);
      expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
      const ownSeqs = [...acksOf(client, chatId).values()];
      expect([...new Set([...seqs, ...ownSeqs])].sort((x, y) => x - y)).toEqual(range(1, TOTAL));
      // Everything from the peer arrives as a message.
      const fromPeer = [...order].filter(([, e]) => e.senderId !== own).map(([seq]) => seq);
      expect(fromPeer.every((seq) => seqs.includes(seq))).toBe(true);
    }

    // The reader: one run before it dropped, then a run from its acknowledged seq to the end.
    const [first, second] = readerStreams.map((c) => seqRuns(seen(c)));
    expect(first).toHaveLength(1);
    expect(first?.[0]?.[0]).toBe(1);
    expect(second).toEqual([range(ackedByReader + 1, TOTAL)]);
  });
});
