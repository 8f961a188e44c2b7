import { afterEach, describe, expect, it } from 'vitest';
import { freshSqlite, type TestDatabase } from '../../testing/databases.js';
import { connect } from '../../platform/db/connect.js';
import { migrateToLatest } from '../../platform/db/migrations.js';
import { createLogger } from '../../platform/logger.js';
import { WriterClient } from './writer-client.js';

describe('WriterClient', () => {
  let database: TestDatabase;
  afterEach(() => database.drop());

  it('starts its thread on start(), once, and commits on it afterwards', async () => {
    database = freshSqlite();
    const { file } = database.config as { file: string };
    const db = connect(database.config);
    await migrateToLatest(db.kysely, 'sqlite');
    await db.close();
    let starts = 0;
    const writer = new WriterClient(file, createLogger('silent'), () => (starts += 1));

    writer.start();
    writer.start();
    expect(starts).toBe(1);
    // An ack in a chat that does not exist moves nothing but is answered: the thread commits.
    const results = await writer.commit(
      [{ kind: 'ack', chatId: 'c'.repeat(22), userId: 'u'.repeat(22), seq: 1 }],
      Date.now(),
      0,
    );
    expect(results).toEqual([{ ok: true, kind: 'ack', moved: false, seq: 1 }]);
    expect(starts).toBe(1);

    await writer.close();
    writer.start();
    expect(starts).toBe(1);
  });
});
