import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { createLogger } from './platform/logger.js';

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts Knock from the environment, shutting down gracefully on SIGTERM and SIGINT. Used by
 * `npm start` and `knock serve`.
 */
export async function startServer(): Promise<RunningServer> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await buildApp({ config, logger });
  const url = await app.listen();
  logger.info({ url, database: config.database.kind }, 'Knock is listening');
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { url, close };
}

const isEntryPoint = import.meta.url === `file://${process.argv[1] ?? ''}`;
if (isEntryPoint) {
  startServer().catch((error: unknown) => {
    if (error instanceof ConfigError) console.error(`knock: ${error.message}`);
    else console.error('knock: could not start:', error);
    process.exit(1);
  });
}
