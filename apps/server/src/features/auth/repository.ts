import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from '../../platform/db/schema.js';

export interface SessionRow {
  tokenHash: string;
  userId: string;
  kind: SessionsTable['kind'];
  label: string | null;
  createdAt: number;
  expiresAt: number;
}

export class SessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: SessionRow): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        kind: session.kind,
        label: session.label,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  /** The live session for a token hash, or undefined when unknown or expired. */
  async findLive(tokenHash: string, now: number): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .select([
        'token_hash as tokenHash',
        'user_id as userId',
        'kind',
        'label',
        'created_at as createdAt',
        'expires_at as expiresAt',
      ])
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
