import type { Command } from 'commander';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { Output } from '../output.js';

interface ServeOptions {
  json?: boolean;
}

/** `knock serve`: runs the server in this process, configured from the environment. */
export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'run the Knock server (configured by PORT, KNOCK_DATABASE_URL, … in the environment)',
    )
    .option('--json', 'print one JSON object per line')
    .action(async (options: ServeOptions) => {
      // Loaded on demand: the other commands should not pay for loading the server.
      const { startServer } = await import('@knock/server/main');
      const server = await startServer().catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ConfigError') {
          throw new CliError('bad_config', error.message);
        }
        throw error;
      });
      await new Output(io, options.json === true).emit(`Knock is listening on ${server.url}`, {
        type: 'listening',
        url: server.url,
      });
      // The server owns SIGINT/SIGTERM from here and exits the process when it has shut down.
    });
}
