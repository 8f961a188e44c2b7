import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import type { KnockClient } from '@knock/client/knock-client';
import { events } from '@knock/client/testing/events';
import { postgresUrl, freshPostgres, freshSqlite } from '@knock/server/testing/databases';
import type { TestDatabase } from '@knock/server/testing/databases';
import { startTestServer } from '@knock/server/testing/test-server';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { e2eeDevice, signIn } from './testing/devices.js';
import { monitorRedis } from './testing/redis-monitor.js';

// T1: a canary sent 100 times between two users appears nowhere the server keeps anything — the
// database files (with WAL), the server's logs at their most verbose, and Redis (every command
// the server sent it, and every key it left). A second canary that the server is meant to store
// in the clear (a display name) must be found by the same scans, so a scan that sees nothing
// cannot pass for one that found nothing.

const redisUrl = process.env['KNOCK_TEST_REDIS_URL'];
const MESSAGES = 100;

const kinds: { name: string; create: () => Promise<TestDatabase> }[] = [
  { name: 'SQLite', create: () => Promise.resolve(freshSqlite()) },
];
const pgUrl = postgresUrl;
if (pgUrl) kinds.push({ name: 'PostgreSQL', create: () => freshPostgres(pgUrl) });

/** The canary as bytes, and in base64/base64url at every alignment (a payload field encodes it). */
function forms(canary: string): Buffer[] {
  const raw = Buffer.from(canary, 'utf8');
  const encoded = [0, 1, 2].flatMap((shift) => {
    const b64 = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // Drop the characters that mix in the padding bytes or the unknown byte after the canary.
    const inner = b64.slice(Math.ceil((shift * 4) / 3) + 1, -4);
    return [inner, inner.replace(/\+/g, '-').replace(/\//g, '_')];
  });
  return [raw, ...encoded.map((text) => Buffer.from(text, 'latin1'))];
}

const contains = (haystack: Buffer, canary: string): boolean =>
  forms(canary).some((needle) => haystack.includes(needle));

async function filesUnder(path: string): Promise<Buffer> {
  const info = await stat(path);
  if (!info.isDirectory()) return readFile(path);
  const parts = await Promise.all(
    (await readdir(path)).map((name) => filesUnder(join(path, name)).catch(() => Buffer.alloc(0))),
  );
  return Buffer.concat(parts);
}

/** Every byte of the SQLite database: main file, WAL and shared memory. */
async function sqliteBytes(file: string): Promise<Buffer> {
  const names = (await readdir(dirname(file))).filter((n) => n.startsWith('knock.db'));
  return Buffer.concat(await Promise.all(names.map((n) => readFile(join(dirname(file), n)))));
}

/** The database's own files and the cluster's WAL after a checkpoint, plus a dump of every row. */
async function postgresBytes(url: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
    const tables = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
    );
    const rows = [];
    for (const { name } of tables.rows) {
      rows.push((await client.query(`SELECT * FROM "${name}"`)).rows);
    }
    const dump = Buffer.from(
      JSON.stringify(rows, (_key, value: unknown) =>
        value instanceof Buffer ? value.toString('latin1') : value,
      ),
      'latin1',
    );
    const where = await client.query<{ dir: string; oid: string }>(
      'SELECT current_setting($1) AS dir, oid::text AS oid FROM pg_database WHERE datname = current_database()',
      ['data_directory'],
    );
    const { dir, oid } = where.rows[0]!;
    const files = [await filesUnder(join(dir, 'base', oid)), await filesUnder(join(dir, 'pg_wal'))];
    return Buffer.concat([dump, ...files]);
  } finally {
    await client.end();
  }
}

/** Records every command the server sends Redis (MONITOR) and what it leaves under its prefix. */
async function watchRedis(url: string, namespace: string) {
  const monitor = await monitorRedis(url);
  const commands = () => monitor.lines.filter((line) => line.includes(namespace));
  return {
    commands,
    async bytes(): Promise<Buffer> {
      const redis = new Redis(url);
      try {
        const keys = await redis.keys(`${namespace}*`);
        const dumps = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
        return Buffer.concat([
          Buffer.from(commands().join('\n'), 'latin1'),
          ...dumps.flatMap((d) => (d ? [d] : [])),
        ]);
      } finally {
        redis.disconnect();
        monitor.close();
      }
    },
  };
}

describe.each(kinds)('T1: no plaintext reaches the server ($name)', ({ create }) => {
  it(`keeps a canary sent ${MESSAGES} times out of the database, the logs and Redis`, async () => {
    const canary = `canary-${randomBytes(12).toString('hex')}`;
    const visible = `Visible ${randomBytes(6).toString('hex')}`;
    const namespace = `knock-t1-${randomBytes(4).toString('hex')}`;
    const logs: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(Buffer.from(chunk));
        done();
      },
    });
    const redis = redisUrl ? await watchRedis(redisUrl, namespace) : undefined;
    const database = await create();
    const server = await startTestServer({
      database,
      logs: sink,
      env: {
        KNOCK_LOG_LEVEL: 'trace',
        ...(redisUrl && { KNOCK_REDIS_URL: redisUrl, KNOCK_REDIS_NAMESPACE: namespace }),
      },
    });
    const clients: KnockClient[] = [];
    try {
      const user = async (name: string, displayName?: string) => {
        const client = e2eeDevice(server.url);
        clients.push(client);
        await signIn(client, name, displayName);
        await client.connect();
        return client;
      };
      const alice = await user('alice', visible);
      const bob = await user('bob');
      const chat = await alice.startChat('bob');
      const toBob = events(bob, 'message', MESSAGES / 2);
      const toAlice = events(alice, 'message', MESSAGES / 2);
      for (let i = 0; i < MESSAGES / 2; i++) {
        await alice.sendText(chat.id, `${canary} from alice #${i}`);
        await bob.sendText(chat.id, `${canary} from bob #${i}`);
      }
      const received = [...(await toBob), ...(await toAlice)];
      expect(received.every((m) => m.text.startsWith(canary))).toBe(true);
      const scan = () =>
        database.config.kind === 'sqlite'
          ? sqliteBytes(database.config.file)
          : postgresBytes(database.config.url);
      // Once while running (SQLite's WAL is live) and once after shutdown (everything flushed).
      const running = await scan();
      expect(running.includes(Buffer.from(canary))).toBe(false);
      for (const client of clients) await client.close();
      clients.length = 0;
      await server.close();

      const stored = Buffer.concat([running, await scan()]);
      expect(contains(stored, visible), 'the scan finds what is stored in the clear').toBe(true);
      expect(contains(stored, canary), 'the canary is in the database').toBe(false);

      const logBytes = Buffer.concat(logs);
      // The logs recorded the run (each request), not one payload.
      expect(logBytes.toString('utf8')).toContain('"url":"/api/keys"');
      expect(contains(logBytes, canary), 'the canary is in the logs').toBe(false);

      if (redis) {
        const redisBytes = await redis.bytes();
        expect(redis.commands().some((c) => /\] "publish" /i.test(c))).toBe(true);
        expect(contains(redisBytes, canary), 'the canary passed through Redis').toBe(false);
      }
    } finally {
      for (const client of clients) await client.close();
      await server.close().catch(() => undefined);
      await database.drop();
    }
  });
});
