import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { CursorState } from './cursor-book.js';

export interface ChatRow {
  id: string;
  kind: 'direct' | 'guest';
  createdAt: number;
  lastActivityAt: number;
  lastSeq: number;
  ackedSeq: number;
  readSeq: number;
  unreadCount: number;
  peerId: string;
  peerUsername: string;
  peerDisplayName: string;
  peerAckedSeq: number;
  peerReadSeq: number;
  peerIdentityVersion: number | null;
  inviteId: string | null;
  guestId: string | null;
  acceptedAt: number | null;
  ignoredAt: number | null;
  requestMessages: number;
  requestBytes: number;
}

/** What decides who may do what in a guest chat. */
export interface GuestChatRow {
  id: string;
  guestId: string;
  hostId: string;
  acceptedAt: number | null;
}

export interface MembershipRow {
  chatId: string;
  ackedSeq: number;
}

export interface ExpiredChat {
  id: string;
  memberIds: string[];
}

/** Both ids sorted: one direct chat per pair, whichever side starts it. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export class ChatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The live direct chat between two users, if any (ignores chats past the cutoff). */
  async findDirect(
    a: string,
    b: string,
  ): Promise<{ id: string; lastActivityAt: number } | undefined> {
    return this.db
      .selectFrom('chats')
      .select(['id', 'last_activity_at as lastActivityAt'])
      .where('direct_key', '=', directKey(a, b))
      .executeTakeFirst();
  }

  /**
   * Creates the direct chat between `a` and `b` unless one exists; returns the id of the chat that
   * exists afterwards. Safe against two nodes racing: the unique direct key decides.
   */
  async createDirect(id: string, a: string, b: string, now: number): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('chats')
        .values({
          id,
          kind: 'direct',
          direct_key: directKey(a, b),
          created_at: now,
          last_activity_at: now,
        })
        .onConflict((oc) => oc.column('direct_key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        const existing = await trx
          .selectFrom('chats')
          .select('id')
          .where('direct_key', '=', directKey(a, b))
          .executeTakeFirstOrThrow();
        return existing.id;
      }
      await trx
        .insertInto('chat_members')
        .values([
          { chat_id: id, user_id: a, joined_at: now },
          { chat_id: id, user_id: b, joined_at: now },
        ])
        .execute();
      return id;
    });
  }

  /** The user's live chats, most recently active first. */
  async list(userId: string, cutoff: number): Promise<ChatRow[]> {
    return this.summaries(userId, cutoff).orderBy('c.last_activity_at', 'desc').execute();
  }

  async get(chatId: string, userId: string, cutoff: number): Promise<ChatRow | undefined> {
    return this.summaries(userId, cutoff).where('c.id', '=', chatId).executeTakeFirst();
  }

  /** Every live chat the user belongs to, with what the user has acknowledged in it. */
  async memberships(userId: string, cutoff: number): Promise<MembershipRow[]> {
    return this.db
      .selectFrom('chat_members as m')
      .innerJoin('chats as c', 'c.id', 'm.chat_id')
      .select(['m.chat_id as chatId', 'm.acked_seq as ackedSeq'])
      .where('m.user_id', '=', userId)
      .where('c.last_activity_at', '>', cutoff)
      .execute();
  }

  /** The chat's last seq and activity with every member's cursors (see CursorBook). */
  async cursorState(chatId: string): Promise<CursorState | undefined> {
    const rows = await this.db
      .selectFrom('chats as c')
      .innerJoin('chat_members as m', 'm.chat_id', 'c.id')
      .select([
        'c.last_seq as lastSeq',
        'c.last_activity_at as lastActivityAt',
        'm.user_id as userId',
        'm.acked_seq as ackedSeq',
        'm.read_seq as readSeq',
      ])
      .where('c.id', '=', chatId)
      .execute();
    const first = rows[0];
    if (!first) return undefined;
    return {
      lastSeq: first.lastSeq,
      lastActivityAt: first.lastActivityAt,
      members: rows.map(({ userId, ackedSeq, readSeq }) => ({ userId, ackedSeq, readSeq })),
    };
  }

  /** Everyone who shares a chat with the user. */
  async peerIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('chat_members as me')
      .innerJoin('chat_members as peer', 'peer.chat_id', 'me.chat_id')
      .select('peer.user_id')
      .distinct()
      .where('me.user_id', '=', userId)
      .where('peer.user_id', '<>', userId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async memberIds(chatId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('chat_members')
      .select('user_id')
      .where('chat_id', '=', chatId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Chats whose last activity is at or before the cutoff, oldest first. */
  async expired(cutoff: number, limit: number): Promise<ExpiredChat[]> {
    const chats = await this.db
      .selectFrom('chats')
      .select('id')
      .where('last_activity_at', '<=', cutoff)
      .orderBy('last_activity_at')
      .limit(limit)
      .execute();
    if (chats.length === 0) return [];
    const members = await this.db
      .selectFrom('chat_members')
      .select(['chat_id', 'user_id'])
      .where(
        'chat_id',
        'in',
        chats.map((c) => c.id),
      )
      .execute();
    return chats.map((c) => ({
      id: c.id,
      memberIds: members.filter((m) => m.chat_id === c.id).map((m) => m.user_id),
    }));
  }

  /**
   * Deletes the chats with everything the server holds on them, if they are still at or past the
   * cutoff (a message may have arrived since they were listed). Returns the ids actually deleted.
   */
  async purge(ids: readonly string[], cutoff: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const still = await trx
        .selectFrom('chats')
        .select('id')
        .where('id', 'in', ids)
        .where('last_activity_at', '<=', cutoff)
        .execute();
      const doomed = still.map((c) => c.id);
      await deleteChats(trx, doomed);
      return doomed;
    });
  }

  /** The guest chat `chatId` if `userId` is one of its two members. */
  async guestChat(chatId: string, userId: string): Promise<GuestChatRow | undefined> {
    const row = await this.db
      .selectFrom('chats as c')
      .innerJoin('chat_members as host', (join) =>
        join.onRef('host.chat_id', '=', 'c.id').onRef('host.user_id', '<>', 'c.guest_id'),
      )
      .select([
        'c.id as id',
        'c.guest_id as guestId',
        'host.user_id as hostId',
        'c.accepted_at as acceptedAt',
      ])
      .where('c.id', '=', chatId)
      .where('c.kind', '=', 'guest')
      .executeTakeFirst();
    if (!row?.guestId || (userId !== row.guestId && userId !== row.hostId)) return undefined;
    return { ...row, guestId: row.guestId };
  }

  /** Marks a live request accepted (true) or ignored; false when it is no longer a request. */
  async settleRequest(
    chatId: string,
    decision: 'accept' | 'ignore',
    now: number,
    cutoff: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('chats')
      .set(decision === 'accept' ? { accepted_at: now, ignored_at: null } : { ignored_at: now })
      .where('id', '=', chatId)
      .where('kind', '=', 'guest')
      .where('accepted_at', 'is', null)
      .where('last_activity_at', '>', cutoff)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Deletes a chat now, whatever its age (ended or blocked); false when it was already gone. */
  async remove(chatId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => deleteChats(trx, [chatId]));
  }

  private summaries(userId: string, cutoff: number) {
    return this.db
      .selectFrom('chat_members as me')
      .innerJoin('chats as c', 'c.id', 'me.chat_id')
      .innerJoin('chat_members as peer', (join) =>
        join.onRef('peer.chat_id', '=', 'c.id').onRef('peer.user_id', '<>', 'me.user_id'),
      )
      .innerJoin('users as u', 'u.id', 'peer.user_id')
      .leftJoin('identity_keys as ik', 'ik.user_id', 'peer.user_id')
      .select((eb) => [
        'c.id as id',
        'c.kind as kind',
        'c.created_at as createdAt',
        'c.last_activity_at as lastActivityAt',
        'c.last_seq as lastSeq',
        'me.acked_seq as ackedSeq',
        'me.read_seq as readSeq',
        'u.id as peerId',
        'u.username as peerUsername',
        'u.display_name as peerDisplayName',
        'peer.acked_seq as peerAckedSeq',
        'peer.read_seq as peerReadSeq',
        'ik.version as peerIdentityVersion',
        'c.invite_id as inviteId',
        'c.guest_id as guestId',
        'c.accepted_at as acceptedAt',
        'c.ignored_at as ignoredAt',
        'c.request_messages as requestMessages',
        'c.request_bytes as requestBytes',
        eb
          .selectFrom('messages as msg')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('msg.chat_id', '=', 'c.id')
          .whereRef('msg.seq', '>', 'me.read_seq')
          .whereRef('msg.sender_id', '<>', 'me.user_id')
          .as('unreadCount'),
      ])
      .where('me.user_id', '=', userId)
      .where('c.last_activity_at', '>', cutoff)
      .$narrowType<{ unreadCount: number }>();
  }
}

/**
 * Deletes chats with their messages and members, and the guests they were made for (with the
 * guests' tokens and keys). True when any chat was deleted.
 */
async function deleteChats(trx: Transaction<Database>, ids: readonly string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const guests = await trx
    .selectFrom('chats')
    .select('guest_id')
    .where('id', 'in', ids)
    .where('guest_id', 'is not', null)
    .execute();
  await trx.deleteFrom('messages').where('chat_id', 'in', ids).execute();
  await trx.deleteFrom('chat_members').where('chat_id', 'in', ids).execute();
  const deleted = await trx.deleteFrom('chats').where('id', 'in', ids).executeTakeFirst();
  const guestIds = guests.flatMap((g) => (g.guest_id === null ? [] : [g.guest_id]));
  if (guestIds.length > 0) {
    await trx.deleteFrom('users').where('id', 'in', guestIds).where('kind', '=', 'guest').execute();
  }
  return Number(deleted.numDeletedRows) > 0;
}
