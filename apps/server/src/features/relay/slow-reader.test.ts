import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiB, retainedBytes } from '../../testing/memory.js';
import type { RawClient } from '../../testing/raw-client.js';
import { ClientPool, startChat, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { acksOf, messageId, range, receivedSeq, seqRuns } from '../../testing/traffic.js';
import { waitFor } from '../../testing/wait.js';

const BUFFER_LIMIT = 64 * 1024;
const MESSAGE_BYTES = 48 * 1024; // 64 KiB on the wire as base64url
const MESSAGES = 320; // ≈ 15 MiB of ciphertext, ≈ 20 MiB of frames
const FRAME_BYTES = 66 * 1024; // one message frame: the base64url payload and its envelope
const WINDOW = 16;

/** The TCP socket under a ws client: pausing it stops reading, so the kernel buffers fill. */
const tcpOf = (client: RawClient): Socket =>
  (client.socket as unknown as { _socket: Socket })._socket;

/** T22: a recipient that stops reading costs the server a capped buffer, and nobody else waits. */
describe('a recipient that stops reading (T22)', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server.wsUrl);
  const { clients, connect } = pool;

  beforeEach(async () => {
    server = await startTestServer({
      env: {
        KNOCK_SOCKET_BUFFER_BYTES: String(BUFFER_LIMIT),
        KNOCK_LIMIT_FRAMES_PER_SECOND: '100000',
      },
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      tcpOf(c).resume();
      c.close();
    }
    await server.close();
  });

  it('caps the per-socket buffer, keeps memory flat and others prompt, then delivers all', async () => {
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((name) => userWithToken(server.url, name)),
    );
    if (!alice || !bob || !carol || !dave) throw new Error('users');
    const chatId = (await startChat(server.url, alice.token, 'bob')).id;
    const otherChat = (await startChat(server.url, carol.token, 'dave')).id;
    const sender = await connect(alice.token);
    const reader = await connect(bob.token);
    const c = await connect(carol.token);
    const d = await connect(dave.token);

    tcpOf(reader).pause();
    const payloads = range(1, MESSAGES).map(() => randomBytes(MESSAGE_BYTES).toString('base64url'));
    const baseline = retainedBytes();

    // The server's view of its sockets: the largest send buffer it holds for any of them.
    let peakBuffered = 0;
    const sample = () => {
      for (const ws of server.app.fastify.websocketServer.clients) {
        peakBuffered = Math.max(peakBuffered, ws.bufferedAmount);
      }
    };

    // Meanwhile Carol and Dave chat, each message waiting for the previous one to arrive.
    const latencies: number[] = [];
    let chatting = true;
    const otherPair = (async () => {
      for (let i = 1; chatting || i <= 20; i++) {
        const started = performance.now();
        c.send({
          type: 'send',
          chatId: otherChat,
          clientMessageId: messageId('carol', i),
          ciphertext: 'aGVsbG8',
        });
        await d.next((f) => f.type === 'message' && f.chatId === otherChat && f.seq === i);
        latencies.push(performance.now() - started);
      }
    })();

    // Alice pushes ≈ 20 MiB at Bob, a window of unacknowledged sends at a time.
    for (let i = 0; i < MESSAGES; i++) {
      await waitFor(() => i - acksOf(sender, chatId).size < WINDOW, 'the send window', 20_000);
      sender.send({
        type: 'send',
        chatId,
        clientMessageId: messageId('push', i + 1),
        ciphertext: payloads[i] as string,
      });
      sample();
    }
    await waitFor(() => acksOf(sender, chatId).size === MESSAGES, 'every push acked', 20_000);
    chatting = false;
    await otherPair;
    sample();
    const held = retainedBytes() - baseline;

    // The paused socket's buffer stays at the cap, overshooting by at most one frame…
    expect(peakBuffered).toBeGreaterThan(BUFFER_LIMIT / 2); // (the cap was really reached)
    expect(peakBuffered).toBeLessThanOrEqual(BUFFER_LIMIT + FRAME_BYTES);
    // …and the process did not keep the ≈ 20 MiB it relayed (uncapped, it holds ≈ 17 MiB).
    expect(held).toBeLessThan(6 * MiB);
    // Carol and Dave never waited behind Bob.
    expect(latencies.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...latencies)).toBeLessThan(2_000);

    // Bob reads again: everything arrives, in order, once, intact…
    tcpOf(reader).resume();
    peakBuffered = 0;
    reader.socket.on('message', sample);
    const received = await receivedSeq(reader, chatId, MESSAGES, 1, 30_000);
    // …and catching up from storage respects the cap too (not a page of 100 frames at once).
    expect(peakBuffered).toBeLessThanOrEqual(BUFFER_LIMIT + FRAME_BYTES);
    expect(seqRuns(received.map((m) => m.seq))).toEqual([range(1, MESSAGES)]);
    received.forEach((m, i) => expect(m.ciphertext === payloads[i], `seq ${m.seq}`).toBe(true));
  });
});
