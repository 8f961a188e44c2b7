import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from './connect.js';
import { databaseKinds, openMigrated } from '../../testing/databases.js';
import type { Database } from './schema.js';
import type { Kysely } from 'kysely';
import { PreparedQuery } from './prepared.js';

describe.each(databaseKinds)('prepared queries on $name', (kind) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ db, close } = await openMigrated(kind));
    await db.kysely
      .insertInto('users')
      .values([
        { id: 'a', username: 'alice', display_name: 'A', password_hash: 'x', created_at: 1 },
        { id: 'b', username: 'bob', display_name: 'B', password_hash: 'x', created_at: 2 },
      ])
      .execute();
  });
  afterEach(() => close());

  it('builds once per shape and runs later calls with their own parameters', async () => {
    const build = vi.fn((k: Kysely<Database>, id: string) =>
      k.selectFrom('users').select('username').where('id', '=', id),
    );
    const query = new PreparedQuery(build);
    expect((await query.execute(db.kysely, 'a')).rows).toEqual([{ username: 'alice' }]);
    expect((await query.execute(db.kysely, 'b')).rows).toEqual([{ username: 'bob' }]);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('rebuilds every time when the parameters are not the arguments in order', async () => {
    // Arguments used out of order: reusing the SQL would swap them, so it must not be reused.
    const build = vi.fn((k: Kysely<Database>, after: number, id: string) =>
      k.selectFrom('users').select('username').where('id', '=', id).where('created_at', '>', after),
    );
    const query = new PreparedQuery(build);
    expect((await query.execute(db.kysely, 0, 'a')).rows).toEqual([{ username: 'alice' }]);
    expect((await query.execute(db.kysely, 1, 'b')).rows).toEqual([{ username: 'bob' }]);
    expect((await query.execute(db.kysely, 1, 'a')).rows).toEqual([]);
    expect(build).toHaveBeenCalledTimes(3);
  });
});
