import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';

/** Pages (4 KiB) of write-ahead log past which a committing connection checkpoints itself. */
export const AUTOCHECKPOINT_BACKSTOP_PAGES = 16_384;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * One connection to a SQLite file, set up as every connection to it must be. Several may be open
 * at once (the message writer has its own): WAL lets them read while one writes, and a writer
 * that finds the file locked waits up to `busy_timeout`.
 */
export function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MiB of page cache instead of 2 MiB: a batch touches pages all over the message indexes.
  sqlite.pragma('cache_size = -65536');
  // The server checkpoints on a thread of its own (Checkpointer); a connection checkpoints by
  // itself only if the log grows far past what that thread lets it reach, or with no server.
  sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_BACKSTOP_PAGES}`);
  // A log that grew under a burst is cut back to this size once it starts over.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return sqlite;
}
