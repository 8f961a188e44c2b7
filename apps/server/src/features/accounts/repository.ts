import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export class UsernameTakenError extends Error {
  override readonly name = 'UsernameTakenError';
}

export class AccountsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a user; throws UsernameTakenError when the username exists. */
  async create(user: UserRow): Promise<void> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          display_name: user.displayName,
          password_hash: user.passwordHash,
          created_at: user.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new UsernameTakenError(user.username);
      throw error;
    }
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const row = await this.select().where('username', '=', username).executeTakeFirst();
    return row;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return this.select().where('id', '=', id).executeTakeFirst();
  }

  /** Registered users only: guests (features/claims) are nobody's to find or sign in as. */
  private select() {
    return this.db
      .selectFrom('users')
      .where('kind', '=', 'registered')
      .select([
        'id',
        'username',
        'display_name as displayName',
        'password_hash as passwordHash',
        'created_at as createdAt',
      ]);
  }
}
