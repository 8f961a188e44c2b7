/**
 * The storage floor's child process (see storage-beside.ts): Knock's own write path — its write
 * queue, message writer thread and checkpointer on a SQLite file with `synchronous=FULL` — fed
 * sends at a fixed rate over `chats` chats, and each recipient's ack once a second, as the
 * latency scenario's clients cause them. No frames, no sockets: only the storage work a durable
 * Knock must do at that rate. Started with the file, the chat count and the rate as arguments;
 * says `ready` over IPC once its chats exist, starts on `go`, and answers `stop` with its figures.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { newClientMessageId } from '@knock/client/message-ids';
import { connect } from '@knock/server/platform/db/connect';
import { migrateToLatest } from '@knock/server/platform/db/migrations';
import { Checkpointer } from '@knock/server/platform/db/checkpointer';
import { systemClock } from '@knock/server/platform/clock';
import { loadConfig } from '@knock/server/platform/config';
import { newId } from '@knock/server/platform/ids';
import { createLogger } from '@knock/server/platform/logger';
import type { CursorOp, WriteResult } from '@knock/server/features/messages/repository';
import { WriteQueue } from '@knock/server/features/messages/write-queue';
import { WriterClient } from '@knock/server/features/messages/writer-client';
import { Samples, summarize } from './stats.js';
import type { StorageLoadFigures, StorageLoadMessage } from './storage-beside.js';

/** The server's defaults: the chat lifetime that sets the expiry cutoff, and the queue's limit. */
const defaults = loadConfig({});
/**
 * Sends are handed to the write queue every 8 ms: batches of 40 or more at 5,000 msg/s, where
 * Knock commits 10–22 writes at once. Coarser batches cost less per message, so this load costs
 * about what Knock's own storage does, not more, and the floor it gives is not set too high.
 */
const TICK_MS = 8;
const CURSOR_FLUSH_MS = 1000;
const ROWS_PER_INSERT = 300;

interface Chat {
  id: string;
  members: [string, string];
  /** Per member: the highest seq it received, and what its stored cursor says. */
  received: [number, number];
  stored: [number, number];
}

const [file, chatsArg, rateArg, payloadArg] = process.argv.slice(2);
if (!file || !chatsArg || !rateArg || !payloadArg) {
  throw new Error('usage: storage-load.js <sqlite file> <chats> <rate> <payload bytes>');
}
const rate = Number(rateArg);
const chats = await createChats(file, Number(chatsArg));
const payload = randomBytes(Number(payloadArg)).toString('base64url');

const logger = createLogger('warn');
const checkpointer = new Checkpointer(file, logger);
const writer = new WriterClient(file, logger, () => checkpointer.start());
const commitMs = new Samples();
const queue = new WriteQueue(
  writer,
  systemClock,
  defaults.chatTtlMs,
  defaults.limits.writeQueue,
  logger,
  (_, seconds) => commitMs.push(seconds * 1000),
);

let sends = 0;
let cursorWrites = 0;
let refused = 0;
let stopping = false;
const inFlight = new Set<Promise<void>>();

function track(promise: Promise<void>): void {
  inFlight.add(promise);
  void promise.finally(() => inFlight.delete(promise));
}

function send(chat: Chat): void {
  const from = Math.random() < 0.5 ? 0 : 1;
  const to = from === 0 ? 1 : 0;
  const submitted = queue.submit({
    kind: 'send',
    chatId: chat.id,
    senderId: chat.members[from],
    clientMessageId: newClientMessageId(Date.now()),
    ciphertext: payload,
  });
  track(
    submitted.then(
      (result: WriteResult) => {
        if (!result.ok || result.kind !== 'send') return void (refused += 1);
        sends += 1;
        chat.received[to] = Math.max(chat.received[to], result.seq);
      },
      () => void (refused += 1),
    ),
  );
}

/** What the cursor book does once a second: each moved ack cursor, purging what it passed. */
function flushCursors(): void {
  for (const chat of chats) {
    for (const m of [0, 1] as const) {
      const seq = chat.received[m];
      const fromSeq = chat.stored[m];
      if (seq <= fromSeq) continue;
      chat.stored[m] = seq;
      const op: CursorOp = { kind: 'ack', chatId: chat.id, userId: chat.members[m], seq, fromSeq };
      track(
        queue.submit(op).then(
          () => void (cursorWrites += 1),
          () => void (refused += 1),
        ),
      );
    }
  }
}

async function run(): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let due = 0;
  let nextFlush = started + CURSOR_FLUSH_MS;
  while (!stopping) {
    const now = performance.now();
    const owed = Math.floor(((now - started) * rate) / 1000) - due;
    for (let i = 0; i < owed; i++) send(chats[Math.floor(Math.random() * chats.length)] as Chat);
    due += Math.max(0, owed);
    if (now >= nextFlush) {
      flushCursors();
      nextFlush += CURSOR_FLUSH_MS;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const figures: StorageLoadFigures = {
    seconds,
    sendsPerSecond: sends / seconds,
    cursorWritesPerSecond: cursorWrites / seconds,
    refused,
    commits: summarize(commitMs.values()),
    cpuPercent: ((used.user + used.system) / 1000 / (seconds * 1000)) * 100,
  };
  // Every write has been answered (inFlight), so the queue is empty: the threads can go.
  await writer.close();
  await checkpointer.close();
  message({ type: 'figures', figures });
}

function message(msg: StorageLoadMessage): void {
  if (process.connected) process.send?.(msg);
}

process.on('message', (msg: StorageLoadMessage) => {
  if (msg.type === 'go') void run().then(() => process.connected && process.disconnect());
  if (msg.type === 'stop') stopping = true;
});
// The benchmark went away (stopped, or crashed): stop too rather than write on for ever.
process.on('disconnect', () => {
  stopping = true;
});
message({ type: 'ready' });

/** A fresh database with `count` direct chats of two users each, written straight to storage. */
async function createChats(path: string, count: number): Promise<Chat[]> {
  const db = connect({ kind: 'sqlite', file: path });
  await migrateToLatest(db.kysely, 'sqlite');
  const now = Date.now();
  const made: Chat[] = Array.from({ length: count }, () => ({
    id: newId(),
    members: [newId(), newId()],
    received: [0, 0],
    stored: [0, 0],
  }));
  const users = made.flatMap((c) =>
    c.members.map((id) => ({
      id,
      username: `u${id}`,
      display_name: 'Storage load',
      password_hash: '-',
      created_at: now,
    })),
  );
  const rows = made.map((c) => ({
    id: c.id,
    kind: 'direct' as const,
    direct_key: c.members.join(':'),
    created_at: now,
    last_activity_at: now,
  }));
  const members = made.flatMap((c) =>
    c.members.map((userId) => ({ chat_id: c.id, user_id: userId, joined_at: now })),
  );
  for (let i = 0; i < users.length; i += ROWS_PER_INSERT) {
    await db.kysely
      .insertInto('users')
      .values(users.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await db.kysely
      .insertInto('chats')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  for (let i = 0; i < members.length; i += ROWS_PER_INSERT) {
    await db.kysely
      .insertInto('chat_members')
      .values(members.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  await db.close();
  return made;
}
