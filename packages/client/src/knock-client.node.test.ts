import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64url } from '@knock/protocol/base64url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeContent } from './content.js';
import { FileStore } from './file-store.node.js';
import type { KnockClientOptions } from './knock-client.js';
import { KnockClient } from './knock-client.js';
import { MemoryStore } from './memory-store.js';
import type { ClientStore } from './store.js';
import { collect, events, nextEvent } from './testing/events.js';
import { FakeKnockServer } from './testing/fake-server.node.js';
import { plaintextTestCodec } from './testing/plaintext-codec.js';
import { createNodeSocketFactory } from './ws-adapter.node.js';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CHAT = 'CCCCCCCCCCCCCCCCCCCCCC';

let server: FakeKnockServer;
const clients: KnockClient[] = [];
const dirs: string[] = [];

beforeEach(async () => {
  server = await FakeKnockServer.start();
  server.addUser(ALICE, 'alice-token');
  server.addUser(BOB, 'bob-token');
  server.addChat(CHAT, ALICE, BOB);
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function client(token: string, options: Partial<KnockClientOptions> = {}): KnockClient {
  const created = new KnockClient({
    serverUrl: server.url,
    token,
    socketFactory: createNodeSocketFactory(),
    store: new MemoryStore(),
    backoff: { baseMs: 1, capMs: 5 },
    ackDelayMs: 0,
    codec: plaintextTestCodec,
    ...options,
  } as KnockClientOptions);
  clients.push(created);
  return created;
}

const texts = (ciphertexts: string[]): string[] =>
  ciphertexts.map((c) => {
    const result = decodeContent(decodeBase64url(c)!);
    return result.ok && result.content.type === 'text' ? result.content.text : '?';
  });

describe('KnockClient', () => {
  it('sends, receives, acknowledges and reports both sides', async () => {
    const alice = client('alice-token');
    const bob = client('bob-token');
    await Promise.all([alice.connect(), bob.connect()]);
    const received = nextEvent(bob, 'message');
    const sent = nextEvent(alice, 'sent');
    const acked = server.nextFrame(BOB, 'ack');
    const id = await alice.sendText(CHAT, 'hello bob');
    expect(await sent).toMatchObject({ chatId: CHAT, clientMessageId: id, seq: 1 });
    expect(await received).toMatchObject({
      chatId: CHAT,
      seq: 1,
      senderId: ALICE,
      clientMessageId: id,
      text: 'hello bob',
      own: false,
    });
    expect(await acked).toEqual({ type: 'ack', chatId: CHAT, seq: 1 });
    expect(alice.cursor(CHAT)).toBe(1);
    expect(alice.pending).toEqual([]);
  });

  it("names a message by the server's time once connected, never by the device's clock", async () => {
    // The fake server's clock reads 2023; the device's reads today.
    const alice = client('alice-token');
    const early = await alice.sendText(CHAT, 'before the first ready');
    expect(early).toHaveLength(22);
    await alice.connect();
    const later = await alice.sendText(CHAT, 'after it');
    expect(later).toHaveLength(25);
    const time = parseInt(later.slice(0, 9), 32);
    expect(time).toBeGreaterThanOrEqual(1_700_000_000_000);
    expect(time).toBeLessThan(1_700_000_000_000 + 60_000);
    await nextEvent(alice, 'sent');
  });

  it('resends the outbox in order with the same ids after a reconnect until acknowledged', async () => {
    const alice = client('alice-token');
    await alice.connect();
    server.misbehave.swallowSendAcks = true;
    const stored = server.nextFrame(
      ALICE,
      'send',
      (f) => f.ciphertext !== '' && alice.pending.length === 3,
    );
    const ids = [
      await alice.sendText(CHAT, 'one'),
      await alice.sendText(CHAT, 'two'),
      await alice.sendText(CHAT, 'three'),
    ];
    await stored;
    const firstCiphertexts = alice.pending.map((e) => e.ciphertext);
    server.misbehave.swallowSendAcks = false;
    const allSent = events(alice, 'sent', 3);
    const resent: string[] = [];
    server.frames.on('frame', (from, frame) => {
      if (from === ALICE && frame.type === 'send')
        resent.push(frame.clientMessageId, frame.ciphertext);
    });
    const lastResent = server.nextFrame(ALICE, 'send', (f) => f.clientMessageId === ids[2]);
    server.terminateAll();
    const sent = await allSent;
    await lastResent;
    expect(sent.map((s) => [s.clientMessageId, s.seq])).toEqual([
      [ids[0], 1],
      [ids[1], 2],
      [ids[2], 3],
    ]);
    expect(resent).toEqual(ids.flatMap((id, i) => [id, firstCiphertexts[i]]));
    expect(texts(server.chats.get(CHAT)!.messages.map((m) => m.ciphertext))).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('shows a message pushed twice only once', async () => {
    const alice = client('alice-token');
    const bob = client('bob-token');
    await Promise.all([alice.connect(), bob.connect()]);
    server.misbehave.duplicateLivePushes = true;
    const messages = collect(bob, 'message');
    const acked = server.nextFrame(BOB, 'ack', (f) => f.seq === 2);
    await alice.sendText(CHAT, 'a');
    await alice.sendText(CHAT, 'b');
    await acked;
    await bob.idle();
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('detects a gap, syncs, and presents the back-filled messages in order exactly once', async () => {
    const alice = client('alice-token');
    const bob = client('bob-token');
    await Promise.all([alice.connect(), bob.connect()]);
    server.misbehave.dropLivePushes = new Set([2]);
    const messages = collect(bob, 'message');
    const sync = server.nextFrame(BOB, 'sync');
    const acked = server.nextFrame(BOB, 'ack', (f) => f.seq === 3);
    for (const text of ['one', 'two', 'three']) await alice.sendText(CHAT, text);
    expect(await sync).toEqual({ type: 'sync', chatId: CHAT, afterSeq: 1 });
    await acked;
    await bob.idle();
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('replays what was not acknowledged on reconnect, and nothing twice', async () => {
    const alice = client('alice-token');
    await alice.connect();
    const bothSent = events(alice, 'sent', 2);
    for (const text of ['one', 'two']) await alice.sendText(CHAT, text);
    await bothSent;
    const store = new MemoryStore();
    const bob = client('bob-token', { store });
    const first = events(bob, 'message', 2);
    await bob.connect();
    expect((await first).map((m) => m.text)).toEqual(['one', 'two']);
    const messages = collect(bob, 'message');
    await server.nextFrame(BOB, 'ack', (f) => f.seq === 2);
    await bob.disconnect();
    // A fresh process on the same store: the server replays after its ack; nothing reappears.
    await alice.sendText(CHAT, 'three');
    const again = client('bob-token', { store });
    const third = nextEvent(again, 'message');
    await again.connect();
    expect(await third).toMatchObject({ seq: 3, text: 'three' });
    expect(messages).toEqual([]);
  });

  it('reports unauthorized and does not reconnect', async () => {
    const mallory = client('wrong-token');
    const states = collect(mallory, 'state');
    await expect(mallory.connect()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(mallory.state).toBe('unauthorized');
    expect(states.map((s) => s.state)).toEqual(['connecting', 'unauthorized']);
    expect(server.connectionCount).toBe(0);
  });

  it('drops a send the server rejects for good and emits sendFailed', async () => {
    const alice = client('alice-token');
    await alice.connect();
    server.misbehave.rejectSendsWith = 'message_too_large';
    const failed = nextEvent(alice, 'sendFailed');
    const id = await alice.sendText(CHAT, 'x');
    expect(await failed).toMatchObject({
      chatId: CHAT,
      clientMessageId: id,
      code: 'message_too_large',
    });
    expect(alice.pending).toEqual([]);
  });

  it('keeps a send the server asks to retry and delivers it later', async () => {
    const alice = client('alice-token', { random: () => 0 });
    await alice.connect();
    server.misbehave.rejectSendsWith = 'slow_down';
    const refused = server.nextFrame(ALICE, 'send');
    const sent = nextEvent(alice, 'sent');
    const id = await alice.sendText(CHAT, 'patience');
    await refused;
    delete server.misbehave.rejectSendsWith;
    expect(await sent).toMatchObject({ clientMessageId: id, seq: 1 });
  });

  it('deletes local state when a chat expires', async () => {
    const store: ClientStore = new MemoryStore();
    const bob = client('bob-token', { store });
    const alice = client('alice-token');
    await Promise.all([alice.connect(), bob.connect()]);
    const acked = server.nextFrame(BOB, 'ack');
    await alice.sendText(CHAT, 'soon gone');
    await acked;
    expect(await store.listCursors()).toEqual(new Map([[CHAT, 1]]));
    const closed = nextEvent(bob, 'chatClosed');
    server.push(BOB, { type: 'chat_closed', chatId: CHAT, reason: 'expired' });
    expect(await closed).toEqual({ chatId: CHAT, reason: 'expired' });
    expect(await store.listCursors()).toEqual(new Map());
    expect(bob.cursor(CHAT)).toBe(0);
  });

  it('passes receipts and typing through, and sends read and typing frames', async () => {
    const bob = client('bob-token');
    await bob.connect();
    const receipt = nextEvent(bob, 'receipt');
    server.push(BOB, { type: 'receipt', chatId: CHAT, userId: ALICE, kind: 'read', seq: 4 });
    expect(await receipt).toEqual({ chatId: CHAT, userId: ALICE, kind: 'read', seq: 4 });
    const typing = nextEvent(bob, 'typing');
    server.push(BOB, { type: 'typing', chatId: CHAT, userId: ALICE, typing: true });
    expect(await typing).toEqual({ chatId: CHAT, userId: ALICE, typing: true });
    const read = server.nextFrame(BOB, 'read');
    bob.markRead(CHAT, 4);
    expect(await read).toEqual({ type: 'read', chatId: CHAT, seq: 4 });
    const typingFrame = server.nextFrame(BOB, 'typing');
    bob.setTyping(CHAT, true);
    expect(await typingFrame).toEqual({ type: 'typing', chatId: CHAT, typing: true });
  });

  it('keeps a message queued offline in the file store and sends it from the next process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'knock-client-'));
    dirs.push(dir);
    const path = join(dir, 'store.json');
    const offline = client('alice-token', { store: new FileStore(path) });
    const id = await offline.sendText(CHAT, 'written offline');
    await offline.close();
    const next = client('alice-token', { store: new FileStore(path) });
    const sent = nextEvent(next, 'sent');
    await next.connect();
    expect(await sent).toMatchObject({ clientMessageId: id, seq: 1 });
    await next.close();
    expect(await new FileStore(path).listOutbox()).toEqual([]);
    expect(await new FileStore(path).listCursors()).toEqual(new Map([[CHAT, 1]]));
  });

  it('send-only clients leave incoming messages unacknowledged', async () => {
    const bob = client('bob-token', { receive: false });
    const alice = client('alice-token');
    await Promise.all([alice.connect(), bob.connect()]);
    const messages = collect(bob, 'message');
    const sent = nextEvent(bob, 'sent');
    await alice.sendText(CHAT, 'for the listener');
    await bob.sendText(CHAT, 'from the sender');
    await sent;
    await bob.idle();
    expect(messages).toEqual([]);
    expect(server.acked(CHAT, BOB)).toBe(0);
  });

  it('acknowledges a message only after the app has handled it', async () => {
    const alice = client('alice-token');
    const bob = client('bob-token');
    await Promise.all([alice.connect(), bob.connect()]);
    let ackedWhileHandling: number | undefined;
    bob.on('message', async () => {
      // A frame sent now is behind any ack already sent on the same socket: once the server has
      // it, an early ack would have arrived too.
      const probe = server.nextFrame(BOB, 'typing');
      bob.setTyping(CHAT, true);
      await probe;
      ackedWhileHandling = server.acked(CHAT, BOB);
    });
    const acked = server.nextFrame(BOB, 'ack');
    await alice.sendText(CHAT, 'careful');
    expect(await acked).toEqual({ type: 'ack', chatId: CHAT, seq: 1 });
    expect(ackedWhileHandling).toBe(0);
  });
});
