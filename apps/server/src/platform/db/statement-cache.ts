import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * Kysely prepares every query afresh; on SQLite preparing costs about as much as running a small
 * statement. Queries compile to a handful of distinct SQL strings, so their statements are kept and
 * reused (better-sqlite3 statements run synchronously, so reuse is safe). Bounded, because a
 * multi-row INSERT compiles to one string per row count.
 */
export function withStatementCache(database: SqliteDatabase, limit = 500): KyselySqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
