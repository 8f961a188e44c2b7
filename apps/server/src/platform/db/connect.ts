import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite-file.js';
import { withStatementCache } from './statement-cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * Opens the configured database. SQLite runs in WAL mode with `synchronous=FULL`: a commit is on
 * disk before it returns, which is what an ack promises. PostgreSQL keeps `synchronous_commit=on`.
 */
export function connect(database: Config['database']): Db {
  if (database.kind === 'sqlite') {
    const sqlite = openSqlite(database.file);
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
    return wrap(kysely, 'sqlite');
  }
  const pool = new pg.Pool({
    connectionString: database.url,
    max: 10,
    // bigint columns hold millisecond timestamps and seqs: all well inside Number's safe range.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
    },
  });
  pool.on('connect', (client) => {
    client.query('SET synchronous_commit = on').catch(() => undefined);
  });
  // An idle client that loses its connection must not crash the process; queries report it.
  pool.on('error', () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return wrap(kysely, 'postgres');
}

function wrap(kysely: Kysely<Database>, dialect: Dialect): Db {
  return {
    kysely,
    dialect,
    async ping() {
      try {
        await kysely.selectFrom('users').select('id').limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    close: () => kysely.destroy(),
  };
}
