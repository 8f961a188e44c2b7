import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { registerChatGuest } from './commands/chat-guest.js';
import { registerChatIdentity } from './commands/chat-identity.js';
import { registerChatList } from './commands/chat-list.js';
import { registerGuest } from './commands/guest.js';
import { registerInvite } from './commands/invite.js';
import { registerListen } from './commands/listen.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerSend } from './commands/send.js';
import { registerServe } from './commands/serve.js';
import { registerUserCreate } from './commands/user-create.js';
import { EXIT_OK, formatError, toCliError } from './errors.js';
import { KnockCommand } from './id-arguments.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `knock` command tree; each command lives in commands/<name>.ts. */
export function buildProgram(io: CliIo): Command {
  const program = new KnockCommand('knock')
    .description(
      'Knock from a terminal: run a server, manage your account, send and receive messages.',
    )
    .version(version, '--version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own usage errors are reported by `run` in the common one-line format.
      outputError: () => undefined,
    })
    .showSuggestionAfterError();
  registerServe(program, io);
  registerUserCreate(program.command('user').description('manage accounts'), io);
  registerLogin(program, io);
  registerLogout(program, io);
  const chat = program.command('chat').description('your chats');
  registerChatList(chat, io);
  registerChatIdentity(chat, io);
  registerChatGuest(chat, io);
  registerInvite(program.command('invite').description('guest links'), io);
  registerGuest(
    program.command('guest').description("a guest's side of a guest chat, for bots and tests"),
    io,
  );
  registerSend(program, io);
  registerListen(program, io);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    const failure = toCliError(error);
    if (failure.exitCode !== EXIT_OK && failure.message !== '')
      io.stderr.write(formatError(failure));
    return failure.exitCode;
  }
}
