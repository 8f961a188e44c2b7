import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { ReplayStore } from './replay-store.js';

/**
 * Spent keys in the database, for deployments without Redis: every node on the database sees
 * them, and a restart forgets none. The first insert of a key wins; `purgeExpired` clears the
 * table of keys that could no longer be replayed.
 */
export class DatabaseReplayStore implements ReplayStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number,
  ) {}

  async markUsed(key: string, ttlMs: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('spent_proofs')
      .values({ key, expires_at: this.now() + Math.max(1, Math.ceil(ttlMs)) })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async purgeExpired(): Promise<number> {
    const deleted = await this.db
      .deleteFrom('spent_proofs')
      .where('expires_at', '<=', this.now())
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }
}
