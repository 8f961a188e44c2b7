import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export const DEFAULT_SERVER = 'http://localhost:8080';

export interface CommonOptions {
  server?: string;
  json?: boolean;
  stateDir?: string;
  verbose?: boolean;
}

/** Adds the options every client command shares; `server` false leaves out `--server`, a string describes it. */
export function withCommonOptions(
  command: Command,
  { server = true }: { server?: boolean | string } = {},
): Command {
  if (server !== false) {
    const about =
      typeof server === 'string'
        ? server
        : 'server URL (default: the one from login, else ' + DEFAULT_SERVER + ')';
    command.option('--server <url>', about);
  }
  return command
    .option('--json', 'print one JSON object per line')
    .option(
      '--state-dir <dir>',
      'where login and the outbox are kept (default: $KNOCK_STATE_DIR or ~/.knock)',
    )
    .option('-v, --verbose', 'log connection details to stderr');
}

export function stateDirFrom(options: CommonOptions, io: CliIo): string {
  return resolve(options.stateDir ?? io.env.KNOCK_STATE_DIR ?? join(homedir(), '.knock'));
}

/** Accepts `http(s)://host[:port]` and drops any path, query or trailing slash. */
export function parseServerUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin;
}
