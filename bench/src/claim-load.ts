import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  KEY_AGREEMENT_LENGTH,
  MESSAGE_TYPE,
  RATCHET_HEADER_LENGTH,
  TAG_LENGTH,
} from '@knock/crypto/wire-sizes';
import type { ClaimProof } from '@knock/protocol/proof-of-work';
import { Samples, summarize, type LatencySummary } from './stats.js';

/**
 * The guest-claim load generator: `POST /api/invites/:id/claim` with proofs solved beforehand (or
 * `POST /api/invites/:id/challenge`, to time the challenges), a fixed number in flight (closed
 * loop), optionally paced. It runs in a worker thread of its own (claim-worker.ts) so that it
 * neither slows the messaging load generator's event loop nor the main thread's sampling.
 */

/** One claim to make: the link and a proof of work solved for it (none to ask for a challenge). */
export interface ClaimTask {
  inviteId: string;
  proof?: ClaimProof | undefined;
}

export interface ClaimJob {
  /** `claim` answers 201 when accepted, `challenge` 200. */
  endpoint: 'claim' | 'challenge';
  httpUrl: string;
  tasks: ClaimTask[];
  concurrency: number;
  /** Wait for the parent's `start` (else start once the connections are open). */
  startOnCommand: boolean;
  /**
   * false: end when every task is answered (the claims phase). true: send until the parent's
   * `stop`, which ends the window even if the tasks ran out before (a storm alongside the
   * messaging load).
   */
  untilStopped: boolean;
  /**
   * Go round the tasks again when they run out. Only for claims the limits refuse before the proof
   * is looked at: a proof is single-use, so a second round of accepted proofs would be `replayed`.
   */
  cycle: boolean;
  /** At most this many claims per second (spread evenly); undefined: as fast as they are answered. */
  rate: number | undefined;
}

export interface ClaimLoadResult {
  /** Seconds from the first claim sent to the `stop` (until stopped) or to the last answer. */
  windowSeconds: number;
  /** Seconds into the window when the last task was answered, if before the `stop`. */
  ranOutAfterSeconds: number | undefined;
  sent: number;
  /** 201 answers (200 for challenges). */
  accepted: number;
  /** Accepted answers received inside the window (the rate counts these). */
  acceptedInWindow: number;
  /** Other answers received inside the window. */
  refusedInWindow: number;
  /** Other answers, by `<status> <code>`. */
  refused: Record<string, number>;
  /** Requests that got no answer (connection reset, refused), by message. */
  failed: Record<string, number>;
  /** From the request to its answer, in ms: accepted claims. */
  acceptedLatency: LatencySummary;
  /** The same for refused claims. */
  refusedLatency: LatencySummary;
}

export interface ClaimControl {
  /** Called once the connections are open and the job waits for `started`. */
  ready: () => void;
  /** Resolves when the parent says `start`, or at once when the job does not wait for it. */
  started: Promise<void>;
  /** Resolves when the parent says `stop`. */
  stopped: Promise<void>;
}

/**
 * Bytes shaped like a guest's first message: an initial message (PQXDH key agreement, ratchet
 * header, 64 padded bytes, tag), random inside. The server measures it, never decrypts it.
 */
export function helloCiphertext(content = 64): string {
  const bytes = randomBytes(KEY_AGREEMENT_LENGTH + RATCHET_HEADER_LENGTH + content + TAG_LENGTH);
  bytes[0] = 1;
  bytes[1] = MESSAGE_TYPE.initial;
  return bytes.toString('base64url');
}

export async function runClaims(job: ClaimJob, control: ClaimControl): Promise<ClaimLoadResult> {
  const url = new URL(job.httpUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const runTag = randomBytes(6).toString('base64url');
  // Open the keep-alive connections first: the window should time claims, not TCP handshakes.
  await Promise.all(
    Array.from({ length: job.concurrency }, () =>
      post(agent, url, '/readyz', undefined, 'GET').catch(() => undefined),
    ),
  );
  control.ready();
  await control.started;

  const acceptedLatency = new Samples(4096);
  const refusedLatency = new Samples(4096);
  const refused: Record<string, number> = {};
  const failed: Record<string, number> = {};
  let sent = 0;
  let accepted = 0;
  let acceptedInWindow = 0;
  let refusedInWindow = 0;
  let stopping = false;
  let stopAt = Number.POSITIVE_INFINITY;
  void control.stopped.then(() => {
    stopping = true;
    stopAt = performance.now();
  });

  const start = performance.now();
  const interval = job.rate === undefined ? 0 : 1000 / job.rate;
  let next = 0;
  const slot = async () => {
    for (;;) {
      if (stopping) return;
      if (next >= job.tasks.length && !job.cycle) return;
      const k = next++;
      const due = start + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopping) return;
      const task = job.tasks[k % job.tasks.length] as ClaimTask;
      const body =
        job.endpoint === 'challenge'
          ? undefined
          : JSON.stringify({
              proof: task.proof,
              hello: {
                clientMessageId: `${runTag}-${k.toString(36)}`,
                ciphertext: helloCiphertext(),
              },
            });
      sent++;
      const t0 = performance.now();
      try {
        const path = `/api/invites/${task.inviteId}/${job.endpoint}`;
        const answer = await post(agent, url, path, body);
        const t1 = performance.now();
        const inWindow = t1 <= stopAt;
        if (answer.status === (job.endpoint === 'claim' ? 201 : 200)) {
          accepted++;
          if (inWindow) acceptedInWindow++;
          acceptedLatency.push(t1 - t0);
        } else {
          const key = `${answer.status} ${errorCode(answer.text)}`;
          refused[key] = (refused[key] ?? 0) + 1;
          if (inWindow) refusedInWindow++;
          refusedLatency.push(t1 - t0);
        }
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        failed[key] = (failed[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, slot));
  const lastAnswer = performance.now();
  // Every task answered before the parent said stop: the storm ended early.
  const ranOut = job.untilStopped && !stopping;
  if (ranOut) await control.stopped;
  agent.destroy();
  return {
    windowSeconds: ((job.untilStopped ? stopAt : lastAnswer) - start) / 1000,
    ranOutAfterSeconds: ranOut ? (lastAnswer - start) / 1000 : undefined,
    sent,
    accepted,
    acceptedInWindow,
    refusedInWindow,
    refused,
    failed,
    acceptedLatency: summarize(acceptedLatency.values()),
    refusedLatency: summarize(refusedLatency.values()),
  };
}

function errorCode(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : 'no_code';
  } catch {
    return 'not_json';
  }
}

function post(
  agent: Agent,
  url: URL,
  path: string,
  body: string | undefined,
  method = 'POST',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        agent,
        headers:
          body === undefined
            ? { 'content-length': 0 }
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
