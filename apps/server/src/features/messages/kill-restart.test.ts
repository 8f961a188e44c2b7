import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildServer, serverBuilt, serverEntry } from '../../testing/child-server.js';
import { RawClient, startChat, userWithToken } from '../../testing/raw-client.js';
import { messageId, payloadOf, range, seqRuns } from '../../testing/traffic.js';
import { waitFor } from '../../testing/wait.js';

const KILLS = 12;
const WINDOW = 64;

/**
 * A sender with an outbox, as the SDK keeps one: every message stays in it until acked and is
 * resent with the same clientMessageId on every new connection.
 */
class OutboxSender {
  readonly outbox = new Map<string, string>();
  readonly acked = new Map<string, number>();
  readonly conflicts: string[] = [];
  generating = true;
  private next = 0;
  private client: RawClient | undefined;

  constructor(private readonly chatId: string) {}

  get created(): number {
    return this.next;
  }

  /** Connects, resends everything unacked in order, then keeps `WINDOW` sends in flight. */
  async connect(wsUrl: string, token: string): Promise<void> {
    const client = await RawClient.ready(wsUrl, token);
    client.socket.on('error', () => undefined); // the server dies under it; 'close' follows
    this.client = client;
    client.socket.on('message', () => this.onFrames(client));
    for (const [id, payload] of this.outbox) this.send(client, id, payload);
    this.topUp(client);
  }

  private seen = new WeakMap<RawClient, number>();

  private onFrames(client: RawClient): void {
    const from = this.seen.get(client) ?? 0;
    for (const frame of client.frames.slice(from)) {
      if (frame.type !== 'sent') continue;
      const earlier = this.acked.get(frame.clientMessageId);
      if (earlier !== undefined && earlier !== frame.seq) {
        this.conflicts.push(`${frame.clientMessageId}: acked as ${earlier}, then ${frame.seq}`);
      }
      this.acked.set(frame.clientMessageId, frame.seq);
      this.outbox.delete(frame.clientMessageId);
    }
    this.seen.set(client, client.frames.length);
    this.topUp(client);
  }

  private topUp(client: RawClient): void {
    while (this.generating && this.outbox.size < WINDOW && client.socket.readyState === 1) {
      const id = messageId('outbox', ++this.next);
      this.outbox.set(id, payloadOf(id));
      this.send(client, id, payloadOf(id));
    }
  }

  private send(client: RawClient, id: string, payload: string): void {
    client.send({ type: 'send', chatId: this.chatId, clientMessageId: id, ciphertext: payload });
  }

  close(): void {
    this.client?.close();
  }
}

/** The chat's last seq as committed in the database file (read while no server runs). */
function lastSeq(file: string, chatId: string): number {
  const db = new SQLite(file, { readonly: true });
  try {
    const row = db.prepare('SELECT last_seq FROM chats WHERE id = ?').get(chatId) as
      { last_seq: number } | undefined;
    return row?.last_seq ?? 0;
  } finally {
    db.close();
  }
}

/** A recipient that acknowledges as it goes and reconnects after each crash. */
class Reader {
  readonly streams: RawClient[] = [];

  constructor(private readonly chatId: string) {}

  async connect(wsUrl: string, token: string): Promise<void> {
    const client = await RawClient.ready(wsUrl, token);
    client.socket.on('error', () => undefined);
    this.streams.push(client);
    client.socket.on('message', () => {
      const last = client.frames.at(-1);
      if (last?.type === 'message' && last.seq % 16 === 0) {
        client.send({ type: 'ack', chatId: this.chatId, seq: last.seq });
      }
    });
  }

  /** Every seq received, once, across all connections. */
  seqs(): Set<number> {
    return new Set(this.streams.flatMap((c) => c.messages(this.chatId).map((m) => m.seq)));
  }

  close(): void {
    for (const c of this.streams) c.close();
  }
}

/** T10: `kill -9` mid-stream, again and again: nothing acked is lost, nothing stored twice. */
describe('kill -9 of the server while messages stream (T10, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knock-kill-'));
  const file = join(dir, 'knock.db');
  let server: ChildServer | undefined;
  afterAll(async () => {
    await server?.kill9();
    rmSync(dir, { recursive: true, force: true });
  });

  const name = serverBuilt()
    ? `loses no acked message over ${KILLS} kills and restarts`
    : `SKIPPED: ${serverEntry} is missing; run \`npm run build\` (npm test does) first`;

  it.skipIf(!serverBuilt())(
    name,
    async () => {
      const s = await ChildServer.start({
        KNOCK_DATABASE_URL: file,
        KNOCK_LIMIT_FRAMES_PER_SECOND: '100000',
        KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '100000',
      });
      server = s;
      const alice = await userWithToken(s.url, 'alice');
      const bob = await userWithToken(s.url, 'bob');
      const chatId = (await startChat(s.url, alice.token, 'bob')).id;
      const sender = new OutboxSender(chatId);
      const reader = new Reader(chatId);

      let inFlightAtKill = 0;
      /** Kills that landed after a commit but before its ack reached the sender. */
      let ackLostAfterCommit = 0;
      for (let round = 0; round < KILLS; round++) {
        await sender.connect(s.wsUrl, alice.token);
        await reader.connect(s.wsUrl, bob.token);
        // Let it stream — at least 16 more acks, however loaded the machine, then 0–300 ms more —
        // and pull the plug without warning.
        const ackedBefore = sender.acked.size;
        await waitFor(() => sender.acked.size >= ackedBefore + 16, 'the stream to flow', 20_000);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        if (sender.outbox.size > 0) inFlightAtKill++;
        await s.kill9();
        if (lastSeq(file, chatId) > Math.max(0, ...sender.acked.values())) ackLostAfterCommit++;
        await s.restart();
      }

      // Recovery: no new messages, the outbox drains, the reader catches up.
      sender.generating = false;
      await sender.connect(s.wsUrl, alice.token);
      await waitFor(() => sender.outbox.size === 0, 'the outbox to drain', 20_000);
      const total = sender.created;
      await reader.connect(s.wsUrl, bob.token);
      await waitFor(() => reader.seqs().size === total, `${total} messages to arrive`, 20_000);
      sender.close();
      reader.close();
      await s.stop();

      // The kills hit mid-stream, and some between a commit and its ack: resends met stored rows.
      expect(inFlightAtKill).toBeGreaterThanOrEqual(KILLS / 2);
      expect(ackLostAfterCommit).toBeGreaterThan(0);
      expect(total).toBeGreaterThan(KILLS * 10);

      // Every message was acked, each with one seq only, however often it was resent.
      expect(sender.conflicts).toEqual([]);
      expect(sender.acked.size).toBe(total);
      const seqs = range(1, total).map((i) => sender.acked.get(messageId('outbox', i)));
      // One sender: its messages keep their send order across crashes and resends.
      expect(seqs).toEqual(range(1, total));

      // What the database holds: acked ⊆ stored with the same seq, one row per id, dense.
      const db = new SQLite(file, { readonly: true });
      const rows = db
        .prepare('SELECT seq, client_message_id AS id FROM messages WHERE chat_id = ? ORDER BY seq')
        .all(chatId) as { seq: number; id: string }[];
      db.close();
      expect(rows.map((r) => r.seq)).toEqual(range(1, total));
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(lastSeq(file, chatId)).toBe(total);
      const stored = new Map(rows.map((r) => [r.id, r.seq]));
      const lost = [...sender.acked].filter(([id, seq]) => stored.get(id) !== seq);
      expect(lost).toEqual([]);

      // The recipient got everything, in order, with no hole across its reconnects.
      let highest = 0;
      for (const stream of reader.streams) {
        const received = stream.messages(chatId);
        const runs = seqRuns(received.map((m) => m.seq));
        expect(runs.length).toBeLessThanOrEqual(1);
        const first = runs[0]?.[0];
        if (first !== undefined) expect(first).toBeLessThanOrEqual(highest + 1);
        highest = Math.max(highest, runs[0]?.at(-1) ?? 0);
        for (const m of received) {
          expect(m.clientMessageId).toBe(messageId('outbox', m.seq));
          expect(m.ciphertext).toBe(payloadOf(m.clientMessageId));
        }
      }
      expect(highest).toBe(total);
    },
    90_000,
  );
});
