import type { ClaimResponse } from '@knock/protocol/claims';
import type { ChatListResponse, ChatSummary, TokenResponse } from '@knock/protocol/http';
import { MAX_REQUEST_BYTES } from '@knock/protocol/limits';
import type { InviteListResponse } from '@knock/protocol/invites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../platform/db/connect.js';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { CHEAP_PROOF_ENV, claim, guestOf, solvedProof, wireMessage } from '../../testing/claims.js';
import { createInviteBody } from '../../testing/invite-bundles.js';
import { api, ClientPool, userWithToken } from '../../testing/raw-client.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

const DAY = 86_400_000;

describe.each(databaseKinds)('guest claims and guest chats ($name)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let host: TokenResponse;
  let pool: ClientPool;

  beforeEach(async () => {
    database = await kind.create();
    server = await startTestServer({ database, env: CHEAP_PROOF_ENV });
    pool = new ClientPool(() => server.wsUrl);
    host = await userWithToken(server.url, 'ann');
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
    await database.drop();
  });

  const chatsOf = async (token: string) =>
    (await api<ChatListResponse>(server.url, 'GET', '/api/chats', { token })).body.chats;
  const send = (
    ws: Awaited<ReturnType<ClientPool['connect']>>,
    chatId: string,
    id: string,
    ciphertext: string,
  ) => ws.send({ type: 'send', chatId, clientMessageId: id, ciphertext });
  const outcome = (ws: Awaited<ReturnType<ClientPool['connect']>>, id: string) =>
    ws.next(
      (f) =>
        (f.type === 'sent' && f.clientMessageId === id) || (f.type === 'error' && f.ref === id),
    );

  it('makes the guest, its token and a request chat holding the first message', async () => {
    const hostWs = await pool.connect(host.token);
    const { guest } = await guestOf(server.url, host.token);
    expect(guest.token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    expect(guest.chat).toMatchObject({
      kind: 'guest',
      peer: { id: host.user.id, username: '', displayName: '' },
      guest: {
        role: 'guest',
        state: 'request',
        allowance: { messages: 3, bytes: MAX_REQUEST_BYTES },
      },
      lastSeq: 1,
    });
    // The host hears of the chat and gets the first message, from the guest.
    const announced = await hostWs.next((f) => f.type === 'chat');
    expect(announced.type === 'chat' && announced.chat.guest).toMatchObject({
      role: 'host',
      state: 'request',
    });
    const first = await hostWs.next((f) => f.type === 'message');
    expect(first).toMatchObject({ chatId: guest.chat.id, seq: 1, senderId: guest.user.id });
    const [hostView] = await chatsOf(host.token);
    expect(hostView?.peer).toEqual({ id: guest.user.id, username: '', displayName: '' });
    expect(hostView?.guest?.allowance).toBeUndefined();
    // The first message holds the guest's name: nothing for the host to read yet.
    expect(hostView?.unreadCount).toBe(0);
  });

  it('lets a one-time link be claimed once, tells the host of a second claim (T23)', async () => {
    const hostWs = await pool.connect(host.token);
    const { inviteId } = await guestOf(server.url, host.token);
    const again = await claim(server.url, inviteId);
    const unknown = await claim(server.url, createInviteBody().inviteId);
    expect([again.status, again.body]).toEqual([unknown.status, unknown.body]);
    expect(again.body.code).toBe('invite_not_found');
    const notice = await hostWs.next((f) => f.type === 'invite_notice');
    expect(notice).toEqual({ type: 'invite_notice', inviteId, notice: 'used_twice' });
    // A guest who found the link gone and pressed on, without a first message: the same answer.
    const knock = async (id: string) =>
      api<{ code?: string }>(server.url, 'POST', `/api/invites/${id}/claim`, {
        body: { proof: await solvedProof(server.url, id) },
      });
    const knocked = await knock(inviteId);
    expect([knocked.status, knocked.body]).toEqual([unknown.status, unknown.body]);
    expect((await knock(createInviteBody().inviteId)).body).toEqual(unknown.body);
    // The host hears of this try too: a second notice.
    const notices = () => hostWs.frames.filter((f) => f.type === 'invite_notice').length;
    await hostWs.next(() => notices() >= 2);
    const invites = await api<InviteListResponse>(server.url, 'GET', '/api/invites', {
      token: host.token,
    });
    expect(invites.body.invites[0]).toMatchObject({
      state: 'claimed',
      uses: 1,
      refusedClaims: 2,
      chats: 1,
    });
  });

  it('answers the same claim sent again (its answer lost) with the same chat and a new token', async () => {
    for (const kind of ['one_time', 'reusable'] as const) {
      const body = createInviteBody({ kind });
      await api(server.url, 'POST', '/api/invites', { token: host.token, body });
      const hello = { clientMessageId: `retry-${kind}-1`, ciphertext: wireMessage('initial') };
      const send = async () =>
        api<ClaimResponse & { code?: string }>(
          server.url,
          'POST',
          `/api/invites/${body.inviteId}/claim`,
          { body: { proof: await solvedProof(server.url, body.inviteId), hello } },
        );
      const first = await send();
      const again = await send();
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.body.chat.id).toBe(first.body.chat.id);
      expect(again.body.user.id).toBe(first.body.user.id);
      // Only the latest token holds the chat.
      const status = async (token: string) =>
        (await api(server.url, 'GET', '/api/chats', { token })).status;
      expect([await status(first.body.token), await status(again.body.token)]).toEqual([401, 200]);
      // Long after, the same first message claims nothing.
      server.clock.advance(5 * 60_000 + 1);
      const late = await send();
      expect(late.status).toBe(kind === 'one_time' ? 404 : 201);
      if (kind === 'reusable') expect(late.body.chat.id).not.toBe(first.body.chat.id);
    }
    const invites = await api<InviteListResponse>(server.url, 'GET', '/api/invites', {
      token: host.token,
    });
    expect(invites.body.invites.map((i) => i.uses).sort()).toEqual([1, 2]);
  });

  it('gives each guest of a reusable link a chat of its own, up to its limit', async () => {
    const body = createInviteBody({ kind: 'reusable', maxUses: 2 });
    await api(server.url, 'POST', '/api/invites', { token: host.token, body });
    const first = await claim(server.url, body.inviteId);
    const second = await claim(server.url, body.inviteId);
    const third = await claim(server.url, body.inviteId);
    expect([first.status, second.status, third.status]).toEqual([201, 201, 404]);
    expect(first.body.chat.id).not.toBe(second.body.chat.id);
    expect((await chatsOf(host.token)).length).toBe(2);
    const invites = await api<InviteListResponse>(server.url, 'GET', '/api/invites', {
      token: host.token,
    });
    expect(invites.body.invites[0]).toMatchObject({ uses: 2, state: 'used_up', chats: 2 });
    // The link's last activity follows its chats.
    server.clock.advance(60_000);
    const ws = await pool.connect(first.body.token);
    ws.send({
      type: 'send',
      chatId: first.body.chat.id,
      clientMessageId: 'later-message-1',
      ciphertext: wireMessage('initial'),
    });
    await ws.next((f) => f.type === 'sent');
    const after = await api<InviteListResponse>(server.url, 'GET', '/api/invites', {
      token: host.token,
    });
    expect(after.body.invites[0]?.lastActivityAt).toBe(server.clock.now());
  });

  it('refuses a missing, malformed, replayed, expired or misdirected proof (T25)', async () => {
    const body = createInviteBody({ kind: 'reusable' });
    const other = createInviteBody({ kind: 'reusable' });
    for (const b of [body, other]) {
      await api(server.url, 'POST', '/api/invites', { token: host.token, body: b });
    }
    const refused = async (proof: unknown) => {
      const answer = await claim(server.url, body.inviteId, { proof });
      return `${answer.status} ${answer.body.code}`;
    };
    expect(await refused(undefined)).toBe('400 proof_invalid');
    expect(await refused({ challenge: 'nope' })).toBe('400 proof_invalid');
    expect(await refused(await solvedProof(server.url, other.inviteId))).toBe('400 proof_invalid');
    const proof = await solvedProof(server.url, body.inviteId);
    expect((await claim(server.url, body.inviteId, { proof })).status).toBe(201);
    expect(await refused(proof)).toBe('400 proof_invalid');
    const stale = await solvedProof(server.url, body.inviteId);
    server.clock.advance(5 * 60_000 + 1);
    expect(await refused(stale)).toBe('400 proof_invalid');
  });

  it('keeps a guest token to its one chat (T38)', async () => {
    const { guest } = await guestOf(server.url, host.token);
    const other = await userWithToken(server.url, 'bob');
    const token = guest.token;
    for (const [method, path, body] of [
      ['GET', '/api/invites', undefined],
      ['POST', '/api/chats', { username: 'bob' }],
      ['POST', '/api/users/bob/bundle', undefined],
      ['GET', '/api/keys', undefined],
      ['GET', '/api/session', undefined],
    ] as const) {
      const answer = await api<{ code: string }>(server.url, method, path, { token, body });
      expect([path, answer.status, answer.body.code]).toEqual([path, 403, 'forbidden']);
    }
    expect((await chatsOf(token)).map((c) => c.id)).toEqual([guest.chat.id]);
    // Not a member anywhere else: a send to the host's other chat is refused.
    const direct = await api<{ chat: ChatSummary }>(server.url, 'POST', '/api/chats', {
      token: host.token,
      body: { username: 'bob' },
    });
    const ws = await pool.connect(token);
    send(ws, direct.body.chat.id, 'intruder-1', wireMessage('ratchet'));
    expect(await outcome(ws, 'intruder-1')).toMatchObject({
      type: 'error',
      code: 'chat_not_found',
    });
    expect(other.user.id).not.toBe(guest.user.id);
  });

  it('lets a guest revoke its own token, which kills it at once (T38)', async () => {
    const { guest } = await guestOf(server.url, host.token);
    const ws = await pool.connect(guest.token);
    const revoked = await api(server.url, 'DELETE', '/api/session', { token: guest.token });
    expect(revoked.status).toBe(204);
    expect((await api(server.url, 'GET', '/api/chats', { token: guest.token })).status).toBe(401);
    await expect(pool.connect(guest.token)).rejects.toThrow(/401/);
    // The socket it had open goes too.
    expect(await ws.closed()).toBe(4401);
    // The chat stays for the host until it expires or the host ends it.
    expect((await chatsOf(host.token)).map((c) => c.id)).toEqual([guest.chat.id]);
  });

  it('takes at most 3 messages and 4 KB from a guest before the host accepts (T27)', async () => {
    const { guest } = await guestOf(server.url, host.token);
    const chatId = guest.chat.id;
    const guestWs = await pool.connect(guest.token);
    const hostWs = await pool.connect(host.token);
    // Too big alone: refused, and it costs nothing of the allowance.
    send(guestWs, chatId, 'too-big-1', wireMessage('initial', MAX_REQUEST_BYTES + 64));
    expect(await outcome(guestWs, 'too-big-1')).toMatchObject({ code: 'request_limit' });
    for (const id of ['request-1', 'request-2', 'request-3']) {
      send(guestWs, chatId, id, wireMessage('initial', 1024));
      expect(await outcome(guestWs, id)).toMatchObject({ type: 'sent' });
    }
    send(guestWs, chatId, 'request-4', wireMessage('initial', 64));
    expect(await outcome(guestWs, 'request-4')).toMatchObject({
      type: 'error',
      code: 'request_limit',
    });
    const [guestView] = await chatsOf(guest.token);
    expect(guestView?.guest?.allowance).toEqual({ messages: 0, bytes: MAX_REQUEST_BYTES - 3072 });

    // The host reads: no receipt reaches the guest while it is a request.
    hostWs.send({ type: 'read', chatId, seq: 4 });
    await hostWs.next((f) => f.type === 'message' && f.seq === 4);
    // The host replies: that accepts the chat, the guest may write on and sees receipts.
    send(hostWs, chatId, 'host-reply-1', wireMessage('initial'));
    expect(await outcome(hostWs, 'host-reply-1')).toMatchObject({ type: 'sent' });
    const changed = await guestWs.next(
      (f) => f.type === 'chat' && f.chat.guest?.state === 'accepted',
    );
    expect(changed.type === 'chat' && changed.chat.guest?.allowance).toBeUndefined();
    send(guestWs, chatId, 'accepted-5', wireMessage('ratchet', 2048));
    expect(await outcome(guestWs, 'accepted-5')).toMatchObject({ type: 'sent' });
    hostWs.send({ type: 'read', chatId, seq: 6 });
    const receipt = await guestWs.next((f) => f.type === 'receipt' && f.kind === 'read');
    expect(receipt).toMatchObject({ seq: 6 });
    expect(guestWs.frames.filter((f) => f.type === 'receipt' && f.kind === 'read')).toHaveLength(1);
  });

  it('lets the host accept or ignore a request; the guest never learns it was ignored', async () => {
    const { guest } = await guestOf(server.url, host.token);
    const path = (d: string) => `/api/chats/${guest.chat.id}/${d}`;
    const byGuest = await api<{ code: string }>(server.url, 'POST', path('accept'), {
      token: guest.token,
    });
    expect(byGuest.status).toBe(403);
    const ignored = await api<{ chat: ChatSummary }>(server.url, 'POST', path('ignore'), {
      token: host.token,
    });
    expect(ignored.body.chat.guest?.state).toBe('ignored');
    expect((await chatsOf(guest.token))[0]?.guest?.state).toBe('request');
    const accepted = await api<{ chat: ChatSummary }>(server.url, 'POST', path('accept'), {
      token: host.token,
    });
    expect(accepted.body.chat.guest?.state).toBe('accepted');
    expect((await chatsOf(guest.token))[0]?.guest).toMatchObject({ state: 'accepted' });
  });

  it('blocks a guest: its socket closes, its token dies, nothing says why (T30)', async () => {
    const { guest } = await guestOf(server.url, host.token);
    const chatId = guest.chat.id;
    const guestWs = await pool.connect(guest.token);
    const hostWs = await pool.connect(host.token);
    const blocked = await api(server.url, 'POST', `/api/chats/${chatId}/block`, {
      token: host.token,
    });
    expect(blocked.status).toBe(204);
    expect(await guestWs.next((f) => f.type === 'chat_closed')).toMatchObject({ reason: 'ended' });
    expect(await hostWs.next((f) => f.type === 'chat_closed')).toMatchObject({
      reason: 'blocked',
    });
    expect(await guestWs.closed()).toBe(4401);
    expect((await api(server.url, 'GET', '/api/chats', { token: guest.token })).status).toBe(401);
    await expect(pool.connect(guest.token)).rejects.toThrow(/401/);
    expect(await chatsOf(host.token)).toEqual([]);
  });

  it('lets either side end the chat, which deletes it and the guest', async () => {
    for (const side of ['guest', 'host'] as const) {
      const { guest } = await guestOf(server.url, host.token);
      const token = side === 'guest' ? guest.token : host.token;
      const ended = await api(server.url, 'DELETE', `/api/chats/${guest.chat.id}`, { token });
      expect(ended.status).toBe(204);
      expect((await api(server.url, 'GET', '/api/chats', { token: guest.token })).status).toBe(401);
    }
    expect(await chatsOf(host.token)).toEqual([]);
    // A direct chat is not a guest chat: it cannot be ended this way.
    await userWithToken(server.url, 'bob');
    const direct = await api<{ chat: ChatSummary }>(server.url, 'POST', '/api/chats', {
      token: host.token,
      body: { username: 'bob' },
    });
    const refused = await api(server.url, 'DELETE', `/api/chats/${direct.body.chat.id}`, {
      token: host.token,
    });
    expect(refused.status).toBe(404);
  });

  it('expires a quiet guest chat after the inactivity limit, and the guest token with it (T38)', async () => {
    const { guest } = await guestOf(server.url, host.token);
    expect(guest.chat.expiresAt).toBe(guest.chat.lastActivityAt + 10 * DAY);
    server.clock.advance(10 * DAY + 1);
    await server.app.sweeper.runOnce();
    expect((await api(server.url, 'GET', '/api/chats', { token: guest.token })).status).toBe(401);
    expect(await chatsOf(host.token)).toEqual([]);
    // The used link goes from the host's list with its last chat.
    const invites = await api<InviteListResponse>(server.url, 'GET', '/api/invites', {
      token: host.token,
    });
    expect(invites.body.invites).toEqual([]);
  });

  it('keeps a closed link listed while its chats live and for a while after', async () => {
    const { inviteId } = await guestOf(server.url, host.token);
    const open = createInviteBody();
    await api(server.url, 'POST', '/api/invites', { token: host.token, body: open });
    await api(server.url, 'DELETE', `/api/invites/${inviteId}`, { token: host.token });
    server.clock.advance(9 * DAY);
    await server.app.sweeper.runOnce();
    const ids = async () =>
      (
        await api<InviteListResponse>(server.url, 'GET', '/api/invites', { token: host.token })
      ).body.invites.map((i) => i.id);
    expect((await ids()).sort()).toEqual([inviteId, open.inviteId].sort());
    server.clock.advance(2 * DAY);
    await server.app.sweeper.runOnce();
    // The revoked link went with its expired chat; the open one, never used, stays.
    expect(await ids()).toEqual([open.inviteId]);
  });

  it('remembers spent proofs across nodes and restarts without Redis (T25)', async () => {
    const body = createInviteBody({ kind: 'reusable' });
    await api(server.url, 'POST', '/api/invites', { token: host.token, body });
    const spent = await solvedProof(server.url, body.inviteId);
    const unspent = await solvedProof(server.url, body.inviteId);
    expect((await claim(server.url, body.inviteId, { proof: spent })).status).toBe(201);
    const other = await startTestServer({ database, env: CHEAP_PROOF_ENV });
    try {
      const replayed = await claim(other.url, body.inviteId, { proof: spent });
      expect([replayed.status, replayed.body.code]).toEqual([400, 'proof_invalid']);
      expect((await claim(other.url, body.inviteId, { proof: unspent })).status).toBe(201);
    } finally {
      await other.close();
    }
    // Spent proofs are kept only while they could be replayed.
    const db = connect(database.config);
    try {
      const count = async () =>
        Number(
          (
            await db.kysely
              .selectFrom('spent_proofs')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count()).toBe(2);
      // (The other node's clock started a moment later.)
      server.clock.advance(6 * 60_000);
      await server.app.sweeper.runOnce();
      expect(await count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('refuses claims at once after a revoke, on every node (T29)', async () => {
    const other = await startTestServer({ database, env: CHEAP_PROOF_ENV });
    try {
      const body = createInviteBody({ kind: 'reusable' });
      await api(server.url, 'POST', '/api/invites', { token: host.token, body });
      expect((await claim(other.url, body.inviteId)).status).toBe(201);
      await api(server.url, 'DELETE', `/api/invites/${body.inviteId}`, { token: host.token });
      const after = await claim(other.url, body.inviteId);
      expect([after.status, after.body.code]).toEqual([404, 'invite_not_found']);
    } finally {
      await other.close();
    }
  });
});
