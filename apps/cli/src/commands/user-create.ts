import type { Command } from 'commander';
import { httpClient, resolveServer } from '../client-factory.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { obtainPassword } from '../password.js';
import { loadSession } from '../state.js';

interface UserCreateOptions extends CommonOptions {
  displayName?: string;
  passwordStdin?: boolean;
}

/** `knock user create <username>`: registers an account. */
export function registerUserCreate(user: Command, io: CliIo): void {
  withCommonOptions(
    user
      .command('create')
      .description('create an account')
      .argument(
        '<username>',
        '3–32 lowercase letters, digits or underscores, starting with a letter',
      )
      .option('--display-name <name>', 'the name others see (default: the username)')
      .option('--password-stdin', 'read the password from stdin instead of prompting'),
  ).action(async (username: string, options: UserCreateOptions) => {
    const session = await loadSession(stateDirFrom(options, io));
    const server = resolveServer(options, session);
    const password = await obtainPassword(io, options.passwordStdin === true, true);
    const request = {
      username,
      password,
      ...(options.displayName !== undefined && { displayName: options.displayName }),
    };
    const created = await httpClient(server).register(request);
    await new Output(io, options.json === true).emit(
      `Created ${created.username} (${created.displayName}) on ${server}.`,
      { type: 'user', user: created, server },
    );
  });
}
