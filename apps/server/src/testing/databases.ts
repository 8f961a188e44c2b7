import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../platform/config.js';
import { connect, type Db } from '../platform/db/connect.js';
import { migrateToLatest } from '../platform/db/migrations.js';

/** Set by .ci/run (and by anyone with a PostgreSQL to spare) to run the PostgreSQL suites. */
export const postgresUrl = process.env['KNOCK_TEST_POSTGRES_URL'];

export interface TestDatabase {
  readonly config: Config['database'];
  drop(): Promise<void>;
}

/** A fresh, empty SQLite file in its own temporary directory. */
export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'knock-test-'));
  return {
    config: { kind: 'sqlite', file: join(dir, 'knock.db') },
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/** A fresh PostgreSQL database on the server named by KNOCK_TEST_POSTGRES_URL. */
export async function freshPostgres(url: string): Promise<TestDatabase> {
  const name = `knock_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: target.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The database kinds a contract suite runs on: SQLite always, PostgreSQL when configured. */
export const databaseKinds: { name: string; create: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', create: () => Promise.resolve(freshSqlite()) },
  ...(postgresUrl ? [{ name: 'postgres', create: () => freshPostgres(postgresUrl) }] : []),
];

/** Opens and migrates a fresh database; `close` also drops it. */
export async function openMigrated(kind: (typeof databaseKinds)[number]): Promise<{
  db: Db;
  close(): Promise<void>;
}> {
  const database = await kind.create();
  const db = connect(database.config);
  await migrateToLatest(db.kysely, db.dialect);
  return {
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}
