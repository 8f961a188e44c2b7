import { createServer } from 'node:net';
import type { DestinationStream } from 'pino';
import { buildApp, type KnockApp } from '../app.js';
import { ManualClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { freshSqlite, type TestDatabase } from './databases.js';

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly clock: ManualClock;
  readonly app: KnockApp;
  /** The SQLite file, so that a second server can open the same data. */
  readonly databaseFile: string | undefined;
  close(): Promise<void>;
}

/** A free loopback port, so that KNOCK_PUBLIC_URL can name the real origin. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A real Knock server on loopback with its own SQLite file (unless `env` names a database) and a
 * manual clock that starts at the current time.
 */
export async function startTestServer(
  options: {
    env?: Record<string, string>;
    database?: TestDatabase;
    /** Where the logs go (with KNOCK_LOG_LEVEL in `env`); by default nowhere. */
    logs?: DestinationStream;
  } = {},
): Promise<TestServer> {
  const port = await freePort();
  const database = options.database ?? freshSqlite();
  const config = loadConfig({
    PORT: String(port),
    KNOCK_HOST: '127.0.0.1',
    KNOCK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    KNOCK_DATABASE_URL:
      database.config.kind === 'sqlite' ? database.config.file : database.config.url,
    KNOCK_LOG_LEVEL: 'silent',
    KNOCK_TEST_MODE: '1',
    ...options.env,
  });
  const clock = new ManualClock(Date.now());
  const logger = createLogger(config.logLevel, options.logs);
  const app = await buildApp({ config, logger, clock });
  const url = await app.listen();
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/api/ws`,
    clock,
    app,
    databaseFile: database.config.kind === 'sqlite' ? database.config.file : undefined,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
