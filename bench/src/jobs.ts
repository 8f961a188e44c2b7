import type { WorkerOutcome } from './worker-outcome.js';
import type { LatencySummary } from './stats.js';

/** What the load generator worker is told to do, and what it reports back. */

/** How one client connects: its identity and, for the bare relay, the query naming its chat. */
export interface ClientSpec {
  userId: string;
  /** Bearer token (Knock). */
  token?: string | undefined;
  /** Query string without '?' (bare relay). */
  query?: string | undefined;
}

/** A sender and a recipient sharing one direct chat. */
export interface PairSpec {
  chatId: string;
  sender: ClientSpec;
  recipient: ClientSpec;
}

export type LoadMode =
  /** Open loop: a fixed aggregate send rate spread evenly over the senders, whatever the replies. */
  | { type: 'open'; rate: number }
  /** Closed loop: each sender keeps `window` sends awaiting their `sent` ack. */
  | { type: 'closed'; window: number };

export interface PairsJob {
  kind: 'pairs';
  wsUrl: string;
  pairs: PairSpec[];
  mode: LoadMode;
  warmupMs: number;
  durationMs: number;
  /** After sending stops, how long to wait for messages still in flight. */
  drainMs: number;
  payloadBytes: number;
  /** Acks are coalesced like the SDK's AckScheduler: at most one per chat per this many ms. */
  ackDelayMs: number;
  connectConcurrency: number;
  localAddresses: string[];
}

export interface IdleJob {
  kind: 'idle';
  wsUrl: string;
  clients: ClientSpec[];
  connectConcurrency: number;
  localAddresses: string[];
}

export type LoadJob = PairsJob | IdleJob;

export interface PairsResult {
  kind: 'pairs';
  connectSeconds: number;
  /** Length of the measured window in seconds (after warm-up). */
  windowSeconds: number;
  /** Sends issued in the window. */
  sent: number;
  /** `sent` acks received in the window. */
  acked: number;
  /** `message` frames for this run's sends that recipients received in the window. */
  delivered: number;
  /** Sends issued in the window that never reached their recipient before the drain ended. */
  undelivered: number;
  /** Messages from earlier runs replayed on connect (caught up from the mailbox). */
  replayed: number;
  acksSent: number;
  receipts: number;
  /** Sockets the load generator had to reopen (the server closed them, e.g. shedding load). */
  reconnects: number;
  /** Send frames sent again from the outbox (after a transient error or a reconnect). */
  resent: number;
  /** Error frames by code, and `sender_closed` / `recipient_closed` for sockets the server closed. */
  errors: Record<string, number>;
  /** Sender's ws.send() to the recipient's 'message' handler, in ms, for sends in the window. */
  latency: LatencySummary;
  /** Sender's ws.send() to its `sent` ack, in ms. */
  ackLatency: LatencySummary;
  /** Open loop only: how late the generator issued sends against its schedule, in ms. */
  scheduleLag: LatencySummary | undefined;
}

export interface IdleResult {
  kind: 'idle';
  requested: number;
  opened: number;
  failed: number;
  firstError: string | undefined;
  connectSeconds: number;
  /** Frames the idle clients received after `ready` (0 when they really were idle). */
  framesAfterReady: number;
}

/** Worker → parent. */
export type WorkerEvent =
  | { type: 'phase'; phase: 'connected' | 'measuring' | 'measured' | 'open' }
  | WorkerOutcome<PairsResult | IdleResult>;

/** Parent → worker (idle job: close the connections and report). */
export type ParentCommand = { type: 'close' };
