import { newClientMessageId } from '@knock/client/message-ids';
import { isPermanentSendError } from '@knock/protocol/errors';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ServerFrame } from '@knock/protocol/frames';
import type WebSocket from 'ws';
import { localAddressFor, openClientWithRetry } from './client.js';
import { mapLimit } from './concurrency.js';
import type { PairsJob, PairsResult } from './jobs.js';
import { Samples, summarize } from './stats.js';

/**
 * The load generator for N sender→recipient pairs. Senders send `send` frames, either open loop
 * (a fixed aggregate rate, whatever the replies) or closed loop (a window of sends awaiting their
 * `sent` ack). Recipients take `message` frames; both sides acknowledge what they have, coalesced
 * like the SDK's AckScheduler (one `ack` per chat per `ackDelayMs` at most, carrying the highest
 * seq). Latency is measured in this one thread, so sender and recipient share a clock.
 *
 * Like the SDK, a sender keeps every unacked send in an outbox: a transient error (`slow_down`)
 * resends it after a jittered backoff, and a socket the server closes (it does so when it sheds
 * load) reconnects with the SDK's backoff (full jitter, 500 ms doubling to 30 s) and resends the
 * outbox in order with the same ids. Latency counts from the first attempt.
 */

type Phase = 'connected' | 'measuring' | 'measured';

interface AckCursor {
  socket: WebSocket | undefined;
  chatId: string;
  highest: number;
  acked: number;
}

interface Pair {
  index: number;
  chatId: string;
  sender: WebSocket | undefined;
  inFlight: number;
  senderAcks: AckCursor;
  recipientAcks: AckCursor;
  /** Unacked sends by client message id, in send order: the frame text to (re)send. */
  outbox: Map<string, string>;
  /** Outbox entries the server refused for a passing reason, to resend after a backoff. */
  refused: Set<string>;
  retryTimer: NodeJS.Timeout | undefined;
  retryAttempt: number;
}

type Role = 'sender' | 'recipient';

/** The SDK's reconnect backoff: full jitter under min(30 s, 500 ms · 2^attempt). */
const backoffDelay = (attempt: number) =>
  Math.floor(Math.random() * Math.min(30_000, 500 * 2 ** Math.min(attempt, 16)));

interface Pending {
  sentAt: number;
  inWindow: boolean;
  acked: boolean;
  delivered: boolean;
}

export async function runPairs(
  job: PairsJob,
  report: (phase: Phase) => void,
): Promise<PairsResult> {
  const ciphertext = randomBytes(job.payloadBytes).toString('base64url');
  const pending = new Map<string, Pending>();
  const dirtyAcks = new Set<AckCursor>();
  const latency = new Samples(1 << 16);
  const ackLatency = new Samples(1 << 16);
  const scheduleLag = new Samples(1 << 16);
  const errors: Record<string, number> = {};
  const counts = {
    sent: 0,
    acked: 0,
    delivered: 0,
    replayed: 0,
    acksSent: 0,
    receipts: 0,
    reconnects: 0,
    resent: 0,
  };
  /** Set once the run is over: closed sockets then stay closed. */
  let finished = false;
  let measureStart = Number.POSITIVE_INFINITY;
  let measureEnd = Number.POSITIVE_INFINITY;
  let sending = false;
  const inWindow = (t: number) => t >= measureStart && t < measureEnd;

  const pairs: Pair[] = job.pairs.map((spec, index) => ({
    index,
    chatId: spec.chatId,
    sender: undefined,
    inFlight: 0,
    senderAcks: { socket: undefined, chatId: spec.chatId, highest: 0, acked: 0 },
    recipientAcks: { socket: undefined, chatId: spec.chatId, highest: 0, acked: 0 },
    outbox: new Map(),
    refused: new Set(),
    retryTimer: undefined,
    retryAttempt: 0,
  }));

  const markAck = (cursor: AckCursor, seq: number) => {
    if (seq <= cursor.highest) return;
    cursor.highest = seq;
    dirtyAcks.add(cursor);
  };
  const flushAcks = () => {
    for (const cursor of dirtyAcks) {
      if (cursor.highest > cursor.acked && cursor.socket?.readyState === 1) {
        cursor.socket.send(
          JSON.stringify({ type: 'ack', chatId: cursor.chatId, seq: cursor.highest }),
        );
        cursor.acked = cursor.highest;
        counts.acksSent++;
      }
    }
    dirtyAcks.clear();
  };
  const countError = (code: string) => (errors[code] = (errors[code] ?? 0) + 1);

  const send = (pair: Pair, intended: number | undefined) => {
    // Named as a connected SDK client names its messages; the server shares this box's clock.
    const clientMessageId = newClientMessageId(Date.now());
    const frame = JSON.stringify({
      type: 'send',
      chatId: pair.chatId,
      clientMessageId,
      ciphertext,
    });
    const now = performance.now();
    const measured = inWindow(now);
    pending.set(clientMessageId, {
      sentAt: now,
      inWindow: measured,
      acked: false,
      delivered: false,
    });
    pair.outbox.set(clientMessageId, frame);
    pair.inFlight++;
    if (measured) {
      counts.sent++;
      if (intended !== undefined) scheduleLag.push(now - intended);
    }
    // Offline: it waits in the outbox and goes out on reconnect, as with the SDK.
    if (pair.sender?.readyState === 1) pair.sender.send(frame);
  };
  /** Sends the outbox again in order: all of it after a reconnect, else only what was refused. */
  const resend = (pair: Pair, all: boolean) => {
    const socket = pair.sender;
    if (socket?.readyState !== 1) return;
    for (const [id, frame] of pair.outbox) {
      if (!all && !pair.refused.has(id)) continue;
      socket.send(frame);
      counts.resent++;
    }
    pair.refused.clear();
  };
  const retryLater = (pair: Pair, id: string) => {
    pair.refused.add(id);
    if (pair.retryTimer !== undefined) return;
    pair.retryTimer = setTimeout(() => {
      pair.retryTimer = undefined;
      if (!finished) resend(pair, false);
    }, backoffDelay(pair.retryAttempt++));
  };
  const closedLoop = job.mode.type === 'closed';
  const refill = (pair: Pair) => {
    if (!closedLoop || !sending) return;
    const window = job.mode.type === 'closed' ? job.mode.window : 0;
    while (pair.inFlight < window) send(pair, undefined);
  };
  const settle = (id: string, entry: Pending) => {
    if (entry.acked && entry.delivered) pending.delete(id);
  };

  const onSenderFrame = (pair: Pair) => (frame: ServerFrame) => {
    switch (frame.type) {
      case 'sent': {
        const now = performance.now();
        markAck(pair.senderAcks, frame.seq);
        const entry = pending.get(frame.clientMessageId);
        if (!entry || entry.acked) return;
        entry.acked = true;
        pair.inFlight--;
        pair.outbox.delete(frame.clientMessageId);
        pair.refused.delete(frame.clientMessageId);
        pair.retryAttempt = 0;
        if (inWindow(now)) counts.acked++;
        if (entry.inWindow) ackLatency.push(now - entry.sentAt);
        settle(frame.clientMessageId, entry);
        return refill(pair);
      }
      case 'message':
        // The server replays the sender's own history from its acked seq on connect.
        counts.replayed++;
        return markAck(pair.senderAcks, frame.seq);
      case 'receipt':
        counts.receipts++;
        return;
      case 'error': {
        countError(frame.code);
        const ref = frame.ref;
        if (ref === undefined || !pair.outbox.has(ref)) return;
        // Transient (load shedding, storage): keep it and resend later, like the SDK's outbox.
        if (!isPermanentSendError(frame.code)) return retryLater(pair, ref);
        pending.delete(ref);
        pair.outbox.delete(ref);
        pair.refused.delete(ref);
        pair.inFlight--;
        if (closedLoop) setTimeout(() => refill(pair), 10);
        return;
      }
      default:
        return;
    }
  };
  const onRecipientFrame = (pair: Pair) => (frame: ServerFrame) => {
    switch (frame.type) {
      case 'message': {
        const now = performance.now();
        markAck(pair.recipientAcks, frame.seq);
        const entry = pending.get(frame.clientMessageId);
        if (!entry) {
          counts.replayed++;
          return;
        }
        if (entry.delivered) return;
        entry.delivered = true;
        if (inWindow(now)) counts.delivered++;
        if (entry.inWindow) latency.push(now - entry.sentAt);
        return settle(frame.clientMessageId, entry);
      }
      case 'receipt':
        counts.receipts++;
        return;
      case 'error':
        countError(frame.code);
        return;
      default:
        return;
    }
  };

  // ---- Connect (and reconnect, SDK-style, when the server closes a socket) ----
  const attach = (pair: Pair, role: Role, socket: WebSocket) => {
    if (role === 'sender') {
      pair.sender = socket;
      pair.senderAcks.socket = socket;
    } else {
      pair.recipientAcks.socket = socket;
    }
    const upSince = performance.now();
    socket.on('close', () => {
      if (finished) return;
      countError(`${role}_closed`);
      // A connection that stayed up 10 s starts the backoff afresh, as in the SDK.
      reconnect(pair, role, performance.now() - upSince > 10_000 ? 0 : 1);
    });
  };
  const open = (pair: Pair, role: Role, attempts: number) => {
    const spec = job.pairs[pair.index]!;
    const address = localAddressFor(
      job.localAddresses,
      pair.index * 2 + (role === 'sender' ? 0 : 1),
    );
    return role === 'sender'
      ? openClientWithRetry(job.wsUrl, spec.sender, address, onSenderFrame(pair), attempts)
      : openClientWithRetry(job.wsUrl, spec.recipient, address, onRecipientFrame(pair), attempts);
  };
  const reconnect = (pair: Pair, role: Role, attempt: number) => {
    setTimeout(() => {
      if (finished) return;
      open(pair, role, 1).then(
        (socket) => {
          if (finished) return void socket.close();
          counts.reconnects++;
          attach(pair, role, socket);
          if (role === 'sender') resend(pair, true);
        },
        () => reconnect(pair, role, attempt + 1),
      );
    }, backoffDelay(attempt));
  };
  const connectStarted = performance.now();
  await mapLimit(pairs, Math.max(1, Math.floor(job.connectConcurrency / 2)), async (pair) => {
    const [sender, recipient] = await Promise.all([
      open(pair, 'sender', 3),
      open(pair, 'recipient', 3),
    ]);
    attach(pair, 'sender', sender);
    attach(pair, 'recipient', recipient);
  });
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  report('connected');
  const ackTimer = setInterval(flushAcks, job.ackDelayMs);
  await sleep(500); // replays of earlier runs arrive and get acked

  // ---- Load ----
  const t0 = performance.now();
  measureStart = t0 + job.warmupMs;
  measureEnd = measureStart + job.durationMs;
  sending = true;
  // Timers fire in expiry order, so 'measuring' always goes out before 'measured' below.
  setTimeout(() => report('measuring'), job.warmupMs);
  if (job.mode.type === 'closed') {
    for (const pair of pairs) refill(pair);
    await sleep(measureEnd - performance.now());
    sending = false;
  } else {
    await openLoop(job.mode.rate, t0, measureEnd, (k, intended) =>
      send(pairs[k % pairs.length]!, intended),
    );
    sending = false;
  }
  await sleep(measureEnd - performance.now() + 5);
  report('measured');

  // ---- Drain: let what was sent in the window arrive, so the tail is measured, not cut ----
  const drainDeadline = performance.now() + job.drainMs;
  const outstanding = () => {
    for (const entry of pending.values()) if (entry.inWindow) return true;
    return false;
  };
  while (outstanding() && performance.now() < drainDeadline) await sleep(20);
  let undelivered = 0;
  for (const entry of pending.values()) if (entry.inWindow && !entry.delivered) undelivered++;
  flushAcks();
  await sleep(300);
  clearInterval(ackTimer);
  finished = true;
  for (const pair of pairs) clearTimeout(pair.retryTimer);
  await closeAll(pairs.flatMap((p) => [p.senderAcks.socket, p.recipientAcks.socket]));

  return {
    kind: 'pairs',
    connectSeconds,
    windowSeconds: job.durationMs / 1000,
    sent: counts.sent,
    acked: counts.acked,
    delivered: counts.delivered,
    undelivered,
    replayed: counts.replayed,
    acksSent: counts.acksSent,
    receipts: counts.receipts,
    reconnects: counts.reconnects,
    resent: counts.resent,
    errors,
    latency: summarize(latency.values()),
    ackLatency: summarize(ackLatency.values()),
    scheduleLag: job.mode.type === 'open' ? summarize(scheduleLag.values()) : undefined,
  };
}

/**
 * Issues send number k at t0 + k/rate, until `end`. A 1 ms timer checks what is due and sends all
 * of it, so a late tick catches up (the lateness is recorded as schedule lag by the caller).
 */
function openLoop(
  rate: number,
  t0: number,
  end: number,
  send: (k: number, intended: number) => void,
): Promise<void> {
  const interval = 1000 / rate;
  let k = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.floor((now - t0) / interval) + 1;
      while (k < due) {
        const intended = t0 + k * interval;
        if (intended >= end) return resolve();
        send(k, intended);
        k++;
      }
      if (now >= end) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
}

export async function closeAll(sockets: readonly (WebSocket | undefined)[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (!socket || socket.readyState === 3) return resolve();
          const timer = setTimeout(() => {
            socket.terminate();
            resolve();
          }, 3000);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close();
        }),
    ),
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
