import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBase64url } from '@knock/protocol/base64url';
import { AccountsRepository, UsernameTakenError } from '../accounts/repository.js';
import { SessionsRepository } from '../auth/repository.js';
import { ChatsRepository } from '../chats/repository.js';
import type { Db } from '../../platform/db/connect.js';
import { databaseKinds, openMigrated } from '../../testing/databases.js';
import { MessagesRepository, type SendOp } from './repository.js';

const T0 = 1_800_000_000_000;
const bytes = (text: string) => new TextEncoder().encode(text);

describe.each(databaseKinds)('repository contract on $name', (kind) => {
  let db: Db;
  let close: () => Promise<void>;
  let accounts: AccountsRepository;
  let chats: ChatsRepository;
  let messages: MessagesRepository;

  beforeEach(async () => {
    ({ db, close } = await openMigrated(kind));
    accounts = new AccountsRepository(db.kysely);
    chats = new ChatsRepository(db.kysely);
    messages = new MessagesRepository(db.kysely);
    for (const name of ['alice', 'bob', 'carol']) {
      await accounts.create({
        id: `${name}`.padEnd(22, '0'),
        username: name,
        displayName: name.toUpperCase(),
        passwordHash: 'x',
        createdAt: T0,
      });
    }
  });
  afterEach(() => close());

  const alice = 'alice'.padEnd(22, '0');
  const bob = 'bob'.padEnd(22, '0');
  const carol = 'carol'.padEnd(22, '0');
  const send = (chatId: string, senderId: string, id: string, text = id): SendOp => ({
    kind: 'send',
    chatId,
    senderId,
    clientMessageId: id.padEnd(8, '_'),
    ciphertext: encodeBase64url(bytes(text)),
  });

  it('refuses a second user with the same username', async () => {
    await expect(
      accounts.create({
        id: 'x'.repeat(22),
        username: 'alice',
        displayName: 'A',
        passwordHash: 'x',
        createdAt: T0,
      }),
    ).rejects.toBeInstanceOf(UsernameTakenError);
  });

  it('stores sessions by hash and forgets expired ones', async () => {
    const sessions = new SessionsRepository(db.kysely);
    await sessions.create({
      tokenHash: 'h1',
      userId: alice,
      kind: 'bearer',
      label: null,
      createdAt: T0,
      expiresAt: T0 + 10,
    });
    expect((await sessions.findLive('h1', T0))?.userId).toBe(alice);
    expect(await sessions.findLive('h1', T0 + 10)).toBeUndefined();
    expect(await sessions.deleteExpired(T0 + 10)).toBe(1);
  });

  it('creates one direct chat per pair, whoever starts it', async () => {
    const first = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    const second = await chats.createDirect('d'.repeat(22), bob, alice, T0);
    expect(second).toBe(first);
    expect(await chats.memberIds(first)).toHaveLength(2);
  });

  it('allocates dense seqs per chat, keeps each sender order and answers resends with the same seq', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    const results = await messages.commit(
      [
        send(chat, alice, 'a1'),
        send(chat, bob, 'b1'),
        send(chat, alice, 'a2'),
        send(chat, alice, 'a1'),
      ],
      T0 + 1,
      T0 - 1,
    );
    const seqs = results.map((r) => (r.ok && r.kind === 'send' ? r.seq : -1));
    expect(new Set(seqs.slice(0, 3))).toEqual(new Set([1, 2, 3]));
    expect(seqs[0]).toBeLessThan(seqs[2] as number);
    expect(seqs[3]).toBe(seqs[0]);
    const again = await messages.commit([send(chat, alice, 'a1', 'other content')], T0 + 2, T0 - 1);
    expect(again[0]).toMatchObject({ ok: true, seq: seqs[0], duplicate: true });
    // The same client id from another sender or in another chat is another message.
    const other = await chats.createDirect('e'.repeat(22), alice, carol, T0);
    const distinct = await messages.commit(
      [send(chat, bob, 'a1'), send(other, alice, 'a1')],
      T0 + 3,
      T0 - 1,
    );
    expect(distinct).toMatchObject([
      { ok: true, seq: 4 },
      { ok: true, seq: 1 },
    ]);
    expect((await messages.after(chat, 0, 100)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('refuses sends from non-members and to expired or unknown chats', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    const results = await messages.commit(
      [send(chat, carol, 'x1'), send('z'.repeat(22), alice, 'x2'), send(chat, alice, 'x3')],
      T0 + 1,
      T0, // chat's last activity is T0: at the cutoff, so expired
    );
    expect(results).toEqual([
      { ok: false, code: 'chat_not_found' },
      { ok: false, code: 'chat_not_found' },
      { ok: false, code: 'chat_not_found' },
    ]);
  });

  it('refuses a payload that is not base64url and commits the rest of the batch', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    const results = await messages.commit(
      [
        send(chat, alice, 'p1'),
        { ...send(chat, alice, 'p2'), ciphertext: 'not base64url!' },
        { ...send(chat, alice, 'p3'), ciphertext: 'QUJDR' }, // a length no bytes encode to
        { ...send(chat, alice, 'p4'), ciphertext: 'QR' }, // non-zero bits in the tail
        send(chat, alice, 'p5'),
      ],
      T0 + 1,
      T0 - 1,
    );
    expect(results).toMatchObject([
      { ok: true, seq: 1 },
      { ok: false, code: 'invalid_frame' },
      { ok: false, code: 'invalid_frame' },
      { ok: false, code: 'invalid_frame' },
      { ok: true, seq: 2 },
    ]);
    const stored = await messages.after(chat, 0, 10);
    expect(stored.map((m) => new TextDecoder().decode(m.ciphertext ?? undefined))).toEqual([
      'p1',
      'p5',
    ]);
  });

  it('pages messages after a seq', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    await messages.commit(
      Array.from({ length: 250 }, (_, i) => send(chat, alice, `m${i}`)),
      T0 + 1,
      T0 - 1,
    );
    const page = await messages.after(chat, 100, 100);
    expect(page.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 101 + i));
    expect(new TextDecoder().decode(page[0]?.ciphertext ?? undefined)).toBe('m100');
  });

  it('deletes ciphertext once the recipient acked it, and refuses acks past the last seq', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    await messages.commit(
      [send(chat, alice, 'a1'), send(chat, alice, 'a2'), send(chat, bob, 'b1')],
      T0 + 1,
      T0 - 1,
    );
    const future = await messages.commit(
      [{ kind: 'ack', chatId: chat, userId: bob, seq: 99 }],
      T0 + 2,
      T0 - 1,
    );
    expect(future).toEqual([{ ok: true, kind: 'ack', moved: false, seq: 99 }]);
    expect((await messages.after(chat, 0, 10)).every((r) => r.ciphertext !== null)).toBe(true);
    const acked = await messages.commit(
      [{ kind: 'ack', chatId: chat, userId: bob, seq: 3 }],
      T0 + 2,
      T0 - 1,
    );
    expect(acked).toEqual([{ ok: true, kind: 'ack', moved: true, seq: 3 }]);
    const rows = await messages.after(chat, 0, 10);
    expect(rows.map((r) => r.ciphertext === null)).toEqual([true, true, false]);
    const summary = await chats.get(chat, bob, T0 - 1);
    expect(summary).toMatchObject({
      ackedSeq: 3,
      lastSeq: 3,
      peerUsername: 'alice',
      unreadCount: 2,
    });
    // A cursor never moves back.
    const back = await messages.commit(
      [{ kind: 'ack', chatId: chat, userId: bob, seq: 1 }],
      T0 + 3,
      T0 - 1,
    );
    expect(back).toEqual([{ ok: true, kind: 'ack', moved: false, seq: 1 }]);
    expect((await chats.get(chat, bob, T0 - 1))?.ackedSeq).toBe(3);
  });

  it('coalesces the acks of one batch and deletes exactly the newly acknowledged payloads', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    await messages.commit(
      [
        send(chat, alice, 'a1'),
        send(chat, alice, 'a2'),
        send(chat, bob, 'b1'),
        send(chat, alice, 'a3'),
      ],
      T0 + 1,
      T0 - 1,
    );
    const acks = await messages.commit(
      [
        { kind: 'ack', chatId: chat, userId: bob, seq: 1 },
        { kind: 'ack', chatId: chat, userId: bob, seq: 4 },
        { kind: 'read', chatId: chat, userId: bob, seq: 2 },
      ],
      T0 + 2,
      T0 - 1,
    );
    expect(acks).toEqual([
      { ok: true, kind: 'ack', moved: true, seq: 4 },
      { ok: true, kind: 'ack', moved: true, seq: 4 },
      { ok: true, kind: 'read', moved: true, seq: 2 },
    ]);
    // Seqs 1–3 are alice's (grouped per sender), 4 is bob's own: his ack keeps his payload.
    const rows = await messages.after(chat, 0, 10);
    expect(rows.map((r) => [r.senderId, r.ciphertext === null])).toEqual([
      [alice, true],
      [alice, true],
      [alice, true],
      [bob, false],
    ]);
    const foreign = await messages.commit(
      [{ kind: 'ack', chatId: chat, userId: carol, seq: 4 }],
      T0 + 3,
      T0 - 1,
    );
    // Membership is the service's check; here a non-member's ack simply moves nothing.
    expect(foreign).toEqual([{ ok: true, kind: 'ack', moved: false, seq: 4 }]);
  });

  it("moves an ack marked as passing only the member's own messages without a purge", async () => {
    const chat = await chats.createDirect('d'.repeat(22), alice, bob, T0);
    await messages.commit([send(chat, alice, 'a1'), send(chat, alice, 'a2')], T0 + 1, T0 - 1);
    const own = await messages.commit(
      [{ kind: 'ack', chatId: chat, userId: bob, seq: 2, fromSeq: 0, purge: false }],
      T0 + 2,
      T0 - 1,
    );
    expect(own).toEqual([{ ok: true, kind: 'ack', moved: true, seq: 2 }]);
    expect((await messages.after(chat, 0, 10)).map((r) => r.ciphertext === null)).toEqual([
      false,
      false,
    ]);
    // Coalesced with an ack that may pass someone else's messages, the purge happens.
    await messages.commit([send(chat, alice, 'a3')], T0 + 3, T0 - 1);
    await messages.commit(
      [
        { kind: 'ack', chatId: chat, userId: bob, seq: 3, fromSeq: 2, purge: false },
        { kind: 'ack', chatId: chat, userId: bob, seq: 3, fromSeq: 0, purge: true },
      ],
      T0 + 4,
      T0 - 1,
    );
    expect((await messages.after(chat, 0, 10)).map((r) => r.ciphertext === null)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('reuses the compiled SQL of every write-path statement', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    for (let round = 0; round < 2; round++) {
      await messages.commit(
        [
          send(chat, alice, `r${round}a`),
          send(chat, bob, `r${round}b`),
          { kind: 'ack', chatId: chat, userId: bob, seq: round * 2 + 1 },
          { kind: 'read', chatId: chat, userId: bob, seq: round * 2 + 1 },
        ],
        T0 + 1 + round,
        T0 - 1,
      );
      await messages.after(chat, 0, 10);
    }
    const { moveCursor, ...single } = messages.queries;
    const all = [...Object.values(single), moveCursor.ack, moveCursor.read];
    for (const query of all) expect(query.fullyPrepared).toBe(true);
  });

  it('counts unread messages from the peer and moves read cursors', async () => {
    const chat = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    await messages.commit(
      [send(chat, alice, 'a1'), send(chat, alice, 'a2'), send(chat, bob, 'b1')],
      T0 + 1,
      T0 - 1,
    );
    expect((await chats.list(bob, T0 - 1))[0]).toMatchObject({
      unreadCount: 2,
      lastActivityAt: T0 + 1,
    });
    await messages.commit([{ kind: 'read', chatId: chat, userId: bob, seq: 1 }], T0 + 2, T0 - 1);
    expect((await chats.list(bob, T0 - 1))[0]).toMatchObject({ unreadCount: 1, readSeq: 1 });
    expect((await chats.list(alice, T0 - 1))[0]).toMatchObject({ peerReadSeq: 1, unreadCount: 1 });
  });

  it('lists and purges expired chats with their messages, but not ones that came back to life', async () => {
    const old = await chats.createDirect('c'.repeat(22), alice, bob, T0);
    const fresh = await chats.createDirect('d'.repeat(22), alice, carol, T0 + 100);
    await messages.commit([send(old, alice, 'a1')], T0 + 1, T0 - 1);
    const expired = await chats.expired(T0 + 1, 10);
    expect(expired).toEqual([
      { id: old, memberIds: expect.arrayContaining([alice, bob]) as unknown },
    ]);
    await messages.commit([send(fresh, alice, 'a2')], T0 + 200, T0 - 1);
    expect(await chats.purge([old, fresh], T0 + 1)).toEqual([old]);
    expect(await messages.after(old, 0, 10)).toEqual([]);
    expect(await chats.memberships(alice, 0)).toEqual([{ chatId: fresh, ackedSeq: 0 }]);
  });
});
