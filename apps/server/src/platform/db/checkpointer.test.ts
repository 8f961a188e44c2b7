import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freshSqlite, type TestDatabase } from '../../testing/databases.js';
import { waitFor } from '../../testing/wait.js';
import { createLogger } from '../logger.js';
import { Checkpointer } from './checkpointer.js';
import { openSqlite } from './sqlite-file.js';

const MiB = 1024 * 1024;

describe('Checkpointer', () => {
  let database: TestDatabase;
  afterEach(() => database.drop());

  it('folds the write-ahead log into the database file from its own thread', async () => {
    database = freshSqlite();
    const { file } = database.config as { file: string };
    const writer = openSqlite(file);
    writer.exec('create table pages (body blob)');
    const insert = writer.prepare('insert into pages values (?)');
    // About 8 MiB in 20 commits: under the connections' own checkpoint backstop.
    for (let t = 0; t < 20; t++) {
      writer.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run(randomBytes(4000));
      })();
    }
    expect(statSync(file).size).toBeLessThan(MiB);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(7 * MiB);

    const checkpointer = new Checkpointer(file, createLogger('silent'), 10);
    checkpointer.start();
    await waitFor(() => statSync(file).size > 7 * MiB, 'the log folded into the file');
    await checkpointer.close();

    // The log starts over once everything in it is in the file: a new commit appends no frames
    // past the first few, so the file no longer grows with every commit after a checkpoint.
    writer.transaction(() => insert.run(randomBytes(4000)))();
    const [state] = writer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(state?.log).toBeLessThan(10);
    writer.close();
  });

  it('lets go of the file when closed, and stays closed', async () => {
    database = freshSqlite();
    const { file } = database.config as { file: string };
    const other = openSqlite(file);
    other.exec('create table pages (body blob)');
    other.prepare('insert into pages values (?)').run(randomBytes(MiB));
    const checkpointer = new Checkpointer(file, createLogger('silent'), 10);
    checkpointer.start();
    await waitFor(() => statSync(file).size > MiB, 'a checkpoint');
    // Leaving WAL mode needs the only connection to the file: refused while the thread has one.
    expect(leaveWal(other)).toBe(false);
    await checkpointer.close();
    checkpointer.start();
    expect(leaveWal(other)).toBe(true);
    other.close();
  });
});

function leaveWal(db: ReturnType<typeof openSqlite>): boolean {
  try {
    db.pragma('busy_timeout = 0');
    const mode = db.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') return false;
    db.pragma('journal_mode = WAL');
    return true;
  } catch {
    return false;
  }
}
