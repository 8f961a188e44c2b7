import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { isOpen } from '../invites/repository.js';

/** Everything a claim makes, with the ids and secret hash chosen by the caller. */
export interface NewClaim {
  inviteId: string;
  guestId: string;
  chatId: string;
  tokenHash: string;
  tokenExpiresAt: number;
  hello: { clientMessageId: string; ciphertext: Uint8Array };
  /** Identifies the claim by its first message: the same claim sent again has the same one. */
  digest: string;
  now: number;
}

export type ClaimOutcome =
  | { kind: 'claimed'; hostId: string }
  /** The same claim came again (its answer was lost): the chat it made, with a new token. */
  | { kind: 'reclaimed'; hostId: string; chatId: string; guestId: string }
  /** The invite exists but can take no more guests; `usedTwice` for a one-time link. */
  | { kind: 'refused'; hostId: string; usedTwice: boolean }
  | { kind: 'not_found' };

/**
 * A guest's claim of an invite, in one transaction: the invite's use is counted only if it is
 * still open, and then the guest, its token, the chat, both memberships and the guest's first
 * message are made together. Two claims racing for a one-time link: one use is left, one wins.
 */
export class ClaimsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The host behind an invite, open or not. */
  async hostOf(inviteId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('invites')
      .select('host_user_id')
      .where('id', '=', inviteId)
      .executeTakeFirst();
    return row?.host_user_id;
  }

  /** A claim without a first message: counted as refused when the invite exists, nothing more. */
  async knock(inviteId: string, now: number): Promise<ClaimOutcome> {
    return this.db.transaction().execute((trx) => refuse(trx, inviteId, now));
  }

  async claim(claim: NewClaim): Promise<ClaimOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const { now } = claim;
      const again = await reclaim(trx, claim);
      if (again) return again;
      const used = await trx
        .updateTable('invites')
        .set((eb) => ({ uses: eb('uses', '+', 1), last_claimed_at: now, last_activity_at: now }))
        .where('id', '=', claim.inviteId)
        .where(isOpen(now))
        .returning('host_user_id')
        .executeTakeFirst();
      if (!used) return refuse(trx, claim.inviteId, now);
      await make(trx, claim, used.host_user_id);
      return { kind: 'claimed', hostId: used.host_user_id };
    });
  }
}

/**
 * How long after a claim the same claim may come again. A lost answer is retried within seconds;
 * after this, whoever else saw the first message (the host receives it) cannot use it to take
 * the guest's place.
 */
const RECLAIM_WINDOW_MS = 5 * 60_000;

/**
 * A claim whose first message made a chat already (the guest never got the answer): that
 * guest's tokens are replaced by the new one, so only the latest claimant holds the chat.
 */
async function reclaim(
  trx: Transaction<Database>,
  claim: NewClaim,
): Promise<ClaimOutcome | undefined> {
  const chat = await trx
    .selectFrom('chats as c')
    .innerJoin('chat_members as host', (join) =>
      join.onRef('host.chat_id', '=', 'c.id').onRef('host.user_id', '<>', 'c.guest_id'),
    )
    .select(['c.id as chatId', 'c.guest_id as guestId', 'host.user_id as hostId'])
    .where('c.invite_id', '=', claim.inviteId)
    .where('c.claim_digest', '=', claim.digest)
    .where('c.created_at', '>', claim.now - RECLAIM_WINDOW_MS)
    .executeTakeFirst();
  if (!chat?.guestId) return undefined;
  await trx.deleteFrom('sessions').where('user_id', '=', chat.guestId).execute();
  await trx
    .insertInto('sessions')
    .values({
      token_hash: claim.tokenHash,
      user_id: chat.guestId,
      kind: 'guest',
      label: null,
      created_at: claim.now,
      expires_at: claim.tokenExpiresAt,
    })
    .execute();
  return { kind: 'reclaimed', hostId: chat.hostId, chatId: chat.chatId, guestId: chat.guestId };
}

async function refuse(
  trx: Transaction<Database>,
  inviteId: string,
  now: number,
): Promise<ClaimOutcome> {
  const invite = await trx
    .updateTable('invites')
    .set((eb) => ({ refused_claims: eb('refused_claims', '+', 1) }))
    .where('id', '=', inviteId)
    .returning(['host_user_id', 'kind', 'uses', 'revoked_at', 'expires_at'])
    .executeTakeFirst();
  if (!invite) return { kind: 'not_found' };
  const live =
    invite.revoked_at === null && (invite.expires_at === null || invite.expires_at > now);
  return {
    kind: 'refused',
    hostId: invite.host_user_id,
    usedTwice: live && invite.kind === 'one_time' && invite.uses >= 1,
  };
}

async function make(trx: Transaction<Database>, claim: NewClaim, hostId: string): Promise<void> {
  const { guestId, chatId, now } = claim;
  await trx
    .insertInto('users')
    .values({
      id: guestId,
      // Not a valid username (those start with a letter): no one can sign in as or find a guest.
      username: `~${guestId}`,
      display_name: '',
      password_hash: '',
      created_at: now,
      kind: 'guest',
    })
    .execute();
  await trx
    .insertInto('sessions')
    .values({
      token_hash: claim.tokenHash,
      user_id: guestId,
      kind: 'guest',
      label: null,
      created_at: now,
      expires_at: claim.tokenExpiresAt,
    })
    .execute();
  await trx
    .insertInto('chats')
    .values({
      id: chatId,
      kind: 'guest',
      direct_key: null,
      created_at: now,
      last_activity_at: now,
      last_seq: 1,
      invite_id: claim.inviteId,
      guest_id: guestId,
      claim_digest: claim.digest,
    })
    .execute();
  await trx
    .insertInto('chat_members')
    .values([
      { chat_id: chatId, user_id: hostId, joined_at: now, acked_seq: 0 },
      // The guest holds its own first message already.
      { chat_id: chatId, user_id: guestId, joined_at: now, acked_seq: 1 },
    ])
    .execute();
  await trx
    .insertInto('messages')
    .values({
      chat_id: chatId,
      seq: 1,
      sender_id: guestId,
      client_message_id: claim.hello.clientMessageId,
      ciphertext: claim.hello.ciphertext,
      sent_at: now,
    })
    .execute();
}
