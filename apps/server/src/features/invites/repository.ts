import type { InviteKind } from '@knock/protocol/invites';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../platform/db/connect.js';
import type { Database, InvitesTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

export interface NewInvite {
  id: string;
  hostUserId: string;
  kind: InviteKind;
  label: string | null;
  displayName: string;
  /** The bundle as JSON text. */
  bundle: string;
  maxUses: number | null;
  createdAt: number;
  expiresAt: number | null;
}

export interface InviteRow {
  id: string;
  kind: InviteKind;
  label: string | null;
  displayName: string;
  uses: number;
  maxUses: number | null;
  createdAt: number;
  expiresAt: number | null;
  lastClaimedAt: number | null;
  lastActivityAt: number | null;
  revokedAt: number | null;
  refusedClaims: number;
  chats: number;
}

/** Why an insert was refused. */
export type CreateRefusal = 'exists' | 'too_many';

/**
 * Invites that a guest could still claim at `now`: not revoked, not expired, not at their use
 * limit (a one-time invite's limit is 1). One expression, so that every way of not being open
 * takes the same query and the same time.
 */
export const isOpen = (now: number) => (eb: ExpressionBuilder<Database, 'invites'>) =>
  eb.and([
    eb('revoked_at', 'is', null),
    eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]),
    eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]),
  ]);

/** Guest links: what the host made, and the bundles guests fetch. */
export class InvitesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Files a new invite unless the id is taken or the host already has `maxOpen` open ones. */
  async create(invite: NewInvite, maxOpen: number): Promise<InviteRow | CreateRefusal> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        // PostgreSQL: one host's creations queue on their user row, so two at once cannot both
        // pass the cap. SQLite runs one write transaction at a time.
        if (this.dialect === 'postgres') {
          await trx
            .selectFrom('users')
            .select('id')
            .where('id', '=', invite.hostUserId)
            .forUpdate()
            .execute();
        }
        const open = await trx
          .selectFrom('invites')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('host_user_id', '=', invite.hostUserId)
          .where(isOpen(invite.createdAt))
          .executeTakeFirstOrThrow();
        if (Number(open.n) >= maxOpen) return 'too_many' as const;
        const row = await trx
          .insertInto('invites')
          .values({
            id: invite.id,
            host_user_id: invite.hostUserId,
            kind: invite.kind,
            label: invite.label,
            display_name: invite.displayName,
            bundle: invite.bundle,
            max_uses: invite.maxUses,
            created_at: invite.createdAt,
            expires_at: invite.expiresAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRow(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'exists';
      throw error;
    }
  }

  /**
   * The host's invites, newest first, each with how many guest chats it started that the server
   * still holds and when one of them was last written in.
   */
  async list(hostUserId: string): Promise<InviteRow[]> {
    const rows = await this.db
      .selectFrom('invites as i')
      .selectAll('i')
      .select((eb) => [
        eb
          .selectFrom('chats as c')
          .select((inner) => inner.fn.max('c.last_activity_at').as('latest'))
          .whereRef('c.invite_id', '=', 'i.id')
          .as('chat_activity'),
        eb
          .selectFrom('chats as c')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('c.invite_id', '=', 'i.id')
          .as('chat_count'),
      ])
      .where('i.host_user_id', '=', hostUserId)
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id')
      .execute();
    return rows.map((row) => toRow(row, { activity: row.chat_activity, chats: row.chat_count }));
  }

  /**
   * Revokes one of the host's invites (again is no change). False when the host has no invite
   * with that id.
   */
  async revoke(hostUserId: string, id: string, now: number): Promise<boolean> {
    const updated = await this.db
      .updateTable('invites')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('host_user_id', '=', hostUserId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return true;
    const owned = await this.db
      .selectFrom('invites')
      .select('id')
      .where('id', '=', id)
      .where('host_user_id', '=', hostUserId)
      .executeTakeFirst();
    return owned !== undefined;
  }

  /** Revokes every open invite of the host; returns how many. */
  async revokeAllOpen(hostUserId: string, now: number): Promise<number> {
    const updated = await this.db
      .updateTable('invites')
      .set({ revoked_at: now })
      .where('host_user_id', '=', hostUserId)
      .where(isOpen(now))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows);
  }

  /**
   * Deletes invites that can take no guest any more — revoked, expired or used up — before
   * `closedBefore`, once no guest chat they started is left. Returns how many went.
   */
  async purgeClosed(closedBefore: number): Promise<number> {
    const deleted = await this.db
      .deleteFrom('invites')
      .where((eb) =>
        eb.or([
          eb('revoked_at', '<', closedBefore),
          eb('expires_at', '<', closedBefore),
          eb.and([
            eb('max_uses', 'is not', null),
            eb('uses', '>=', eb.ref('max_uses')),
            eb('last_claimed_at', '<', closedBefore),
          ]),
        ]),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('chats').select('chats.id').whereRef('chats.invite_id', '=', 'invites.id'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /**
   * The bundle JSON of an open invite, or undefined for an unknown, revoked, expired or used-up
   * one alike. Reads only: fetching a bundle claims nothing (T24).
   */
  async openBundle(id: string, now: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('invites')
      .select('bundle')
      .where('id', '=', id)
      .where(isOpen(now))
      .executeTakeFirst();
    return row?.bundle;
  }
}

function toRow(
  row: Selectable<InvitesTable>,
  chats: { activity: number | null; chats: number | null } = { activity: null, chats: 0 },
): InviteRow {
  const nullableNumber = (value: number | null) => (value === null ? null : Number(value));
  const activity = [row.last_activity_at, chats.activity].filter((t) => t !== null).map(Number);
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    displayName: row.display_name,
    uses: Number(row.uses),
    maxUses: nullableNumber(row.max_uses),
    createdAt: Number(row.created_at),
    expiresAt: nullableNumber(row.expires_at),
    lastClaimedAt: nullableNumber(row.last_claimed_at),
    lastActivityAt: activity.length > 0 ? Math.max(...activity) : null,
    revokedAt: nullableNumber(row.revoked_at),
    refusedClaims: Number(row.refused_claims),
    chats: Number(chats.chats ?? 0),
  };
}
