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
  counter: number;
  inFlight: number;
  senderAcks: AckCursor;
  recipientAcks: AckCursor;
}

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
  const runTag = randomBytes(6).toString('base64url');
  const ciphertext = randomBytes(job.payloadBytes).toString('base64url');
  const pending = new Map<string, Pending>();
  const dirtyAcks = new Set<AckCursor>();
  const latency = new Samples(1 << 16);
  const ackLatency = new Samples(1 << 16);
  const scheduleLag = new Samples(1 << 16);
  const errors: Record<string, number> = {};
  const counts = { sent: 0, acked: 0, delivered: 0, replayed: 0, acksSent: 0, receipts: 0 };
  let measureStart = Number.POSITIVE_INFINITY;
  let measureEnd = Number.POSITIVE_INFINITY;
  let sending = false;
  const inWindow = (t: number) => t >= measureStart && t < measureEnd;

  const pairs: Pair[] = job.pairs.map((spec, index) => ({
    index,
    chatId: spec.chatId,
    sender: undefined,
    counter: 0,
    inFlight: 0,
    senderAcks: { socket: undefined, chatId: spec.chatId, highest: 0, acked: 0 },
    recipientAcks: { socket: undefined, chatId: spec.chatId, highest: 0, acked: 0 },
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
    const socket = pair.sender;
    if (!socket || socket.readyState !== 1) return countError('socket_closed');
    const clientMessageId = `${runTag}-${pair.index.toString(36)}-${(pair.counter++).toString(36)}`;
    const now = performance.now();
    const measured = inWindow(now);
    socket.send(JSON.stringify({ type: 'send', chatId: pair.chatId, clientMessageId, ciphertext }));
    pending.set(clientMessageId, {
      sentAt: now,
      inWindow: measured,
      acked: false,
      delivered: false,
    });
    pair.inFlight++;
    if (measured) {
      counts.sent++;
      if (intended !== undefined) scheduleLag.push(now - intended);
    }
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
        const entry = frame.ref === undefined ? undefined : pending.get(frame.ref);
        if (!entry || frame.ref === undefined) return;
        pending.delete(frame.ref);
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

  // ---- Connect ----
  const connectStarted = performance.now();
  await mapLimit(pairs, Math.max(1, Math.floor(job.connectConcurrency / 2)), async (pair) => {
    const spec = job.pairs[pair.index]!;
    const [sender, recipient] = await Promise.all([
      openClientWithRetry(
        job.wsUrl,
        spec.sender,
        localAddressFor(job.localAddresses, pair.index * 2),
        onSenderFrame(pair),
      ),
      openClientWithRetry(
        job.wsUrl,
        spec.recipient,
        localAddressFor(job.localAddresses, pair.index * 2 + 1),
        onRecipientFrame(pair),
      ),
    ]);
    pair.sender = sender;
    pair.senderAcks.socket = sender;
    pair.recipientAcks.socket = recipient;
    for (const socket of [sender, recipient]) {
      socket.on('close', () => {
        if (sending) countError('socket_closed');
      });
    }
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
