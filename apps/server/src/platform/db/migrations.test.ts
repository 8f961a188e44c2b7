import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseKinds, type TestDatabase } from '../../testing/databases.js';
import { connect, type Db } from './connect.js';
import { migrateTo } from './migrations.js';

describe.each(databaseKinds)('migration 0003: messages kept by chat ($name)', (kind) => {
  let database: TestDatabase;
  let db: Db;
  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  it('keeps every message and the idempotency key across the move', async () => {
    database = await kind.create();
    db = connect(database.config);
    await migrateTo(db.kysely, db.dialect, '0002_undelivered_index');
    const k = db.kysely;
    await k
      .insertInto('users')
      .values({ id: 'u1', username: 'ann', display_name: 'Ann', password_hash: 'x', created_at: 1 })
      .execute();
    await k
      .insertInto('chats')
      .values({ id: 'c1', kind: 'direct', direct_key: 'k', created_at: 1, last_activity_at: 1 })
      .execute();
    const rows = [1, 2, 3].map((seq) => ({
      chat_id: 'c1',
      seq,
      sender_id: 'u1',
      client_message_id: `id-${seq}`,
      ciphertext: seq === 1 ? null : new Uint8Array([seq, 0xff]),
      sent_at: 10 + seq,
    }));
    await k.insertInto('messages').values(rows).execute();

    await migrateTo(db.kysely, db.dialect);

    const after = await k.selectFrom('messages').selectAll().orderBy('seq').execute();
    expect(
      after.map((r) => ({ ...r, ciphertext: r.ciphertext && [...new Uint8Array(r.ciphertext)] })),
    ).toEqual(rows.map((r) => ({ ...r, ciphertext: r.ciphertext && [...r.ciphertext] })));
    await expect(
      k
        .insertInto('messages')
        .values({ ...rows[0], seq: 4, ciphertext: null } as (typeof rows)[number])
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
    if (db.dialect === 'sqlite') {
      // Clustered by (chat_id, seq): the table has no rowid of its own any more.
      await expect(sql`select rowid from messages`.execute(k)).rejects.toThrow(/rowid/);
    }
  });
});
