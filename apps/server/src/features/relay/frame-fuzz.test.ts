import { randomBytes } from 'node:crypto';
import { parseServerFrame } from '@knock/protocol/codec';
import { isErrorCode } from '@knock/protocol/errors';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fuzzFrame, verdictOf, type FuzzFrame } from '../../testing/frame-arbitraries.js';
import { MiB, retainedBytes } from '../../testing/memory.js';
import { api, RawClient, startChat, text, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { range, receivedSeq, seqRuns } from '../../testing/traffic.js';

/** The server closes a socket after this many bad frames (ws-route.ts). */
const MAX_BAD_FRAMES = 20;
const TARGET_FRAMES = 100_000;
const WARM_UP_FRAMES = 15_000;
const LANES = 3;

/** Expected close codes for frames the WebSocket layer refuses before Knock sees them. */
const CLOSE_FOR = { 'too-large': 1009, 'bad-utf8': 1007 } as const;

/** One fuzzing socket: counts what the server answered and notes anything out of contract. */
class FuzzSocket {
  invalidSent = 0;
  invalidAnswered = 0;
  readonly violations: string[] = [];
  readonly closed: Promise<number>;
  private markers = new Map<string, () => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const parsed = isBinary ? undefined : parseServerFrame(data.toString('utf8'));
      if (!parsed?.ok) return void this.violations.push(`server sent ${data.toString('utf8')}`);
      const frame = parsed.value;
      if (frame.type !== 'error') return;
      if (!isErrorCode(frame.code) || frame.code === 'internal_error') {
        this.violations.push(`error frame ${JSON.stringify(frame)}`);
      }
      if (frame.code === 'invalid_frame' && frame.ref === undefined) this.invalidAnswered++;
      if (frame.ref !== undefined) this.markers.get(frame.ref)?.();
    });
  }

  static open(wsUrl: string, token: string): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
      const socket = new FuzzSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: FuzzFrame): void {
    if (frame.kind === 'text') this.ws.send(frame.text);
    else this.ws.send(frame.data, { binary: frame.kind === 'binary' });
  }

  /**
   * A frame that is answered only after every frame before it was parsed: a typing frame for a
   * chat nobody is in. Its error arrives after the answers to all earlier bad frames.
   */
  async barrier(): Promise<void> {
    const chatId = randomBytes(16).toString('base64url');
    const answered = new Promise<void>((resolve) => this.markers.set(chatId, resolve));
    this.ws.send(JSON.stringify({ type: 'typing', chatId, typing: true }));
    const outcome = await Promise.race([answered.then(() => 'answered'), this.closed]);
    this.markers.delete(chatId);
    if (outcome !== 'answered') this.violations.push(`closed ${String(outcome)} at a barrier`);
  }
}

/** T40: fuzzed frames over real sockets never crash, pollute or bloat the server. */
describe('frame fuzzing over real sockets (T40)', () => {
  let server: TestServer;
  let mallory: { token: string; id: string };
  let victimToken: string;
  let chatId: string;
  const prototypeKeys = () =>
    [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
      Object.getOwnPropertyNames(p).sort().join(','),
    );

  beforeAll(async () => {
    server = await startTestServer({
      env: {
        // The fuzzer must meet the frame parser, not the throttles in front of it.
        KNOCK_LIMIT_FRAMES_PER_SECOND: '1000000',
        KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '10000000',
        KNOCK_LIMIT_CONNECTIONS_PER_IP: '1000',
      },
    });
    const m = await userWithToken(server.url, 'mallory');
    mallory = { token: m.token, id: m.user.id };
    victimToken = (await userWithToken(server.url, 'victim')).token;
    chatId = (await startChat(server.url, mallory.token, 'victim')).id;
  });
  afterAll(async () => {
    await server.close();
  });

  it(`survives ${TARGET_FRAMES.toLocaleString('en')} fuzzed frames`, async () => {
    const prototypesBefore = prototypeKeys();
    const stats = { frames: 0, invalid: 0, valid: 0, closes: 0, connections: 0 };
    const violations: string[] = [];

    /** One lane: a socket that is replaced whenever the server closes it. */
    const lane = () => {
      let socket: FuzzSocket | undefined;
      const current = async () => {
        if (socket?.open) return socket;
        if (socket) violations.push(...socket.violations);
        stats.connections++;
        return (socket = await FuzzSocket.open(server.wsUrl, mallory.token));
      };
      const expectClose = async (s: FuzzSocket, code: number, why: string) => {
        const got = await s.closed;
        stats.closes++;
        if (got !== code) violations.push(`${why}: closed with ${got}, expected ${code}`);
        if (s.invalidAnswered !== Math.min(s.invalidSent, MAX_BAD_FRAMES)) {
          violations.push(`${why}: ${s.invalidAnswered} of ${s.invalidSent} bad frames answered`);
        }
      };
      const property = fc.asyncProperty(
        fc.array(fuzzFrame(chatId), { minLength: 1, maxLength: 40 }),
        async (frames) => {
          for (const frame of frames) {
            const s = await current();
            const verdict = verdictOf(frame);
            s.send(frame);
            stats.frames++;
            if (verdict === 'valid') stats.valid++;
            else stats.invalid++;
            if (verdict === 'too-large' || verdict === 'bad-utf8') {
              await expectClose(s, CLOSE_FOR[verdict], verdict);
            } else if (verdict === 'invalid' && ++s.invalidSent > MAX_BAD_FRAMES) {
              await expectClose(s, 1008, 'too many bad frames');
            }
          }
          const s = await current();
          await s.barrier();
          // Every bad frame so far got its own `invalid_frame` answer.
          expect(s.invalidAnswered).toBe(s.invalidSent);
          expect([...violations, ...s.violations]).toEqual([]);
        },
      );
      return {
        run: (numRuns: number) => fc.assert(property, { numRuns, endOnFailure: true }),
        close: () => socket?.ws.close(),
      };
    };

    const lanes = range(1, LANES).map(lane);
    const fuzzUntil = async (target: number) => {
      while (stats.frames < target) {
        await Promise.all(lanes.map((l) => l.run(50)));
      }
    };

    await fuzzUntil(WARM_UP_FRAMES);
    const heapAfterWarmUp = retainedBytes();
    await fuzzUntil(TARGET_FRAMES);
    for (const l of lanes) l.close();
    const heapAfterRun = retainedBytes();

    expect(stats.frames).toBeGreaterThanOrEqual(TARGET_FRAMES);
    expect(stats.invalid).toBeGreaterThan(TARGET_FRAMES / 2);
    expect(stats.valid).toBeGreaterThan(TARGET_FRAMES / 20);
    expect(violations).toEqual([]);

    // No prototype pollution: not a key added anywhere, nothing inherited by plain objects.
    expect(prototypeKeys()).toEqual(prototypesBefore);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.toString.call({})).toBe('[object Object]');

    // Heap flat: 85,000 frames after the warm-up leave no trace worth counting.
    expect(heapAfterRun - heapAfterWarmUp).toBeLessThan(8 * MiB);

    // Still healthy, and still doing its job.
    expect(await api(server.url, 'GET', '/healthz')).toMatchObject({ status: 200 });
    const sender = await RawClient.ready(server.wsUrl, mallory.token);
    const victim = await RawClient.ready(server.wsUrl, victimToken);
    try {
      sender.send({
        type: 'send',
        chatId,
        clientMessageId: 'after-the-fuzz',
        ciphertext: text('still here'),
      });
      const ack = await sender.next(
        (f) => f.type === 'sent' && f.clientMessageId === 'after-the-fuzz',
      );
      if (ack.type !== 'sent') throw new Error('no ack');
      // The victim gets every message the fuzzer managed to send, in order, and the last one.
      const received = await receivedSeq(victim, chatId, ack.seq);
      expect(seqRuns(received.map((m) => m.seq))).toEqual([range(1, ack.seq)]);
      expect(received.at(-1)).toMatchObject({
        clientMessageId: 'after-the-fuzz',
        ciphertext: text('still here'),
      });
    } finally {
      sender.close();
      victim.close();
    }
  }, 120_000);
});
