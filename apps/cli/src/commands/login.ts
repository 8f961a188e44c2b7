import { hostname } from 'node:os';
import type { Command } from 'commander';
import { httpClient, resolveServer, sessionClient } from '../client-factory.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { obtainPassword } from '../password.js';
import { loadSession, saveSession } from '../state.js';

interface LoginOptions extends CommonOptions {
  passwordStdin?: boolean;
}

/**
 * `knock login <username>`: mints a bearer token, keeps it in the state directory and publishes
 * this machine's end-to-end keys (made on first use, kept in the state directory).
 */
export function registerLogin(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('login')
      .description('sign in and remember the session in the state directory')
      .argument('<username>')
      .option('--password-stdin', 'read the password from stdin instead of prompting'),
  ).action(async (username: string, options: LoginOptions) => {
    const stateDir = stateDirFrom(options, io);
    const server = resolveServer(options, await loadSession(stateDir).catch(() => undefined));
    const password = await obtainPassword(io, options.passwordStdin === true);
    const label = `knock-cli@${hostname()}`.slice(0, 64);
    const { user, token } = await httpClient(server).createToken({ username, password, label });
    const session = { server, token, user };
    await saveSession(stateDir, session);
    // Signing in here makes this machine the account's device: its keys go to the directory.
    const client = sessionClient(io, options, stateDir, session, { receive: false });
    try {
      await client.publishKeys({ takeOver: true });
    } finally {
      await client.close();
    }
    await new Output(io, options.json === true).emit(
      `Logged in as ${user.username} (${user.displayName}) on ${server}.`,
      { type: 'login', user, server },
    );
  });
}
