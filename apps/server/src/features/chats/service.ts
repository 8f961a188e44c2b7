import type { ChatSummary } from '@knock/protocol/http';
import { MAX_REQUEST_BYTES, MAX_REQUEST_MESSAGES } from '@knock/protocol/limits';
import type { Bus } from '../../platform/bus/bus.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { AccountsService } from '../accounts/service.js';
import type { RelayEvent } from '../relay/events.js';
import type { CursorBook } from './cursor-book.js';
import { MemberCache } from './member-cache.js';
import type { ChatRow, ChatsRepository } from './repository.js';

const MEMBER_CACHE_LIMIT = 100_000;

export class ChatsService {
  private readonly members: MemberCache;
  /** Chats known to show read receipts to both sides: direct chats and accepted guest chats. */
  private readonly accepted = new Set<string>();

  constructor(
    private readonly repository: ChatsRepository,
    /** Cursors moved in memory; stored before any read of them here. */
    private readonly cursors: CursorBook,
    private readonly accounts: AccountsService,
    private readonly bus: Bus<RelayEvent>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {
    this.members = new MemberCache((chatId) => repository.memberIds(chatId), MEMBER_CACHE_LIMIT);
  }

  cutoff(): number {
    return this.clock.now() - this.ttlMs;
  }

  /** Finds or starts the direct chat with `username`; tells both sides about a new one. */
  async startDirect(userId: string, username: string): Promise<ChatSummary> {
    const peer = await this.accounts.findByUsername(username);
    if (!peer) throw new AppError('user_not_found');
    if (peer.id === userId) throw new AppError('cannot_chat_with_self');
    const existing = await this.repository.findDirect(userId, peer.id);
    if (existing && existing.lastActivityAt <= this.cutoff()) {
      // Expired but not yet swept: it goes now, with the usual notice, and a new chat starts.
      await this.closeExpired([{ id: existing.id, memberIds: [userId, peer.id] }]);
    }
    const chatId = await this.repository.createDirect(newId(), userId, peer.id, this.clock.now());
    if (chatId !== existing?.id) {
      this.bus.publish({ kind: 'chat_created', chatId, memberIds: [userId, peer.id] });
    }
    const summary = await this.get(chatId, userId);
    if (!summary) throw new AppError('chat_not_found');
    return summary;
  }

  async list(userId: string): Promise<ChatSummary[]> {
    await this.cursors.flush();
    const rows = await this.repository.list(userId, this.cutoff());
    return rows.map((row) => this.summary(row, userId));
  }

  async get(chatId: string, userId: string): Promise<ChatSummary | undefined> {
    await this.cursors.flush();
    const row = await this.repository.get(chatId, userId, this.cutoff());
    return row && this.summary(row, userId);
  }

  async memberships(userId: string): Promise<{ chatId: string; ackedSeq: number }[]> {
    await this.cursors.flush();
    return this.repository.memberships(userId, this.cutoff());
  }

  /** Everyone who shares a chat with the user. */
  peerIds(userId: string): Promise<string[]> {
    return this.repository.peerIds(userId);
  }

  /** The chat's members when they are cached, without waiting for storage. */
  knownMemberIds(chatId: string): readonly string[] | undefined {
    return this.members.known(chatId);
  }

  /** The chat's members (empty when it does not exist). */
  memberIds(chatId: string): Promise<readonly string[]> {
    return this.members.get(chatId);
  }

  /**
   * Deletes expired chats and tells their members why. Returns how many went. Chats written to
   * since they were listed survive.
   */
  async closeExpired(
    chats: readonly { id: string; memberIds: readonly string[] }[],
  ): Promise<number> {
    const purged = new Set(
      await this.repository.purge(
        chats.map((c) => c.id),
        this.cutoff(),
      ),
    );
    for (const chat of chats) {
      if (!purged.has(chat.id)) continue;
      this.forget(chat.id);
      this.bus.publish({
        kind: 'chat_closed',
        chatId: chat.id,
        memberIds: chat.memberIds,
        reason: 'expired',
      });
    }
    return purged.size;
  }

  async sweep(batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.repository.expired(this.cutoff(), batchSize);
      if (expired.length === 0) return total;
      total += await this.closeExpired(expired);
      if (expired.length < batchSize) return total;
    }
  }

  /** The host takes a guest's request (`accept`) or sets it aside (`ignore`). */
  async settleRequest(chatId: string, hostId: string, decision: 'accept' | 'ignore') {
    const chat = await this.repository.guestChat(chatId, hostId);
    if (!chat) throw new AppError('chat_not_found');
    if (chat.hostId !== hostId) throw new AppError('forbidden');
    const settled = await this.repository.settleRequest(
      chatId,
      decision,
      this.clock.now(),
      this.cutoff(),
    );
    if (!settled && decision === 'ignore')
      throw new AppError('bad_request', 'The chat is already accepted.');
    // The guest learns of an acceptance (its allowance ends), never of being ignored.
    const memberIds = decision === 'accept' ? [chat.guestId, hostId] : [hostId];
    if (settled) this.bus.publish({ kind: 'chat_changed', chatId, memberIds });
    const summary = await this.get(chatId, hostId);
    if (!summary) throw new AppError('chat_not_found');
    return summary;
  }

  /**
   * Ends a guest chat (either side) or blocks its guest (the host): the server deletes the chat,
   * its messages and the guest with its token. The guest is told `ended` either way.
   */
  async close(chatId: string, userId: string, action: 'end' | 'block'): Promise<void> {
    const chat = await this.repository.guestChat(chatId, userId);
    if (!chat) throw new AppError('chat_not_found');
    if (action === 'block' && chat.hostId !== userId) throw new AppError('forbidden');
    if (!(await this.repository.remove(chatId))) throw new AppError('chat_not_found');
    this.forget(chatId);
    const hostReason = action === 'block' ? 'blocked' : 'ended';
    this.bus.publish({ kind: 'chat_closed', chatId, memberIds: [chat.hostId], reason: hostReason });
    this.bus.publish({ kind: 'chat_closed', chatId, memberIds: [chat.guestId], reason: 'ended' });
  }

  /**
   * True while `readerId` is the host of a guest chat that is still a request: the guest gets no
   * read receipts until the host accepts or replies (T27).
   */
  async hidesReads(chatId: string, readerId: string): Promise<boolean> {
    if (this.accepted.has(chatId)) return false;
    const chat = await this.repository.guestChat(chatId, readerId);
    if (!chat || chat.acceptedAt !== null) {
      if (this.accepted.size >= MEMBER_CACHE_LIMIT) this.accepted.clear();
      this.accepted.add(chatId);
      return false;
    }
    return chat.hostId === readerId;
  }

  private forget(chatId: string): void {
    this.members.forget(chatId);
    this.accepted.delete(chatId);
    this.cursors.forget(chatId);
  }

  private summary(row: ChatRow, userId: string): ChatSummary {
    if (row.kind === 'guest') return this.guestSummary(row, userId);
    return {
      ...this.common(row),
      kind: row.kind,
      peer: { id: row.peerId, username: row.peerUsername, displayName: row.peerDisplayName },
      peerReadSeq: row.peerReadSeq,
      peerIdentityVersion: Number(row.peerIdentityVersion ?? 0),
    };
  }

  /**
   * A guest chat as one side sees it: no names (they travel encrypted), no key directory
   * versions (the link pins the host, the first message the guest), and for the guest of a
   * request neither read receipts nor whether the host ignored it.
   */
  private guestSummary(row: ChatRow, userId: string): ChatSummary {
    const role = row.guestId === userId ? 'guest' : 'host';
    const request = row.acceptedAt === null;
    const state = !request
      ? 'accepted'
      : role === 'host' && row.ignoredAt !== null
        ? 'ignored'
        : 'request';
    return {
      ...this.common(row),
      kind: 'guest',
      peer: { id: row.peerId, username: '', displayName: '' },
      guest: {
        role,
        state,
        inviteId: row.inviteId ?? '',
        ...(role === 'guest' && request
          ? {
              allowance: {
                messages: Math.max(0, MAX_REQUEST_MESSAGES - Number(row.requestMessages)),
                bytes: Math.max(0, MAX_REQUEST_BYTES - Number(row.requestBytes)),
              },
            }
          : {}),
      },
      peerReadSeq: role === 'guest' && request ? 0 : row.peerReadSeq,
      // The guest's first message (seq 1) carries its name, not something to read.
      unreadCount: Math.max(
        0,
        Number(row.unreadCount) - (role === 'host' && row.readSeq < 1 ? 1 : 0),
      ),
      peerIdentityVersion: 0,
    };
  }

  private common(row: ChatRow) {
    return {
      id: row.id,
      createdAt: row.createdAt,
      lastActivityAt: row.lastActivityAt,
      expiresAt: row.lastActivityAt + this.ttlMs,
      lastSeq: row.lastSeq,
      unreadCount: Number(row.unreadCount),
      ackedSeq: row.ackedSeq,
      readSeq: row.readSeq,
      peerAckedSeq: row.peerAckedSeq,
    };
  }
}
