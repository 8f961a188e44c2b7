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
      // Every transaction takes the write lock up front. Another connection to the same file (the
      // message writer's) may commit between a deferred transaction's first read and its first
      // write, which fails at once with SQLITE_BUSY; an immediate one waits its turn instead.
      if (sql === 'begin') sql = 'begin immediate';
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
