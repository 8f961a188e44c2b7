import type { Command } from 'commander';
import { sessionClient } from '../client-factory.js';
import type { CliIo } from '../io.js';
import { listenUntilStopped } from '../listen-loop.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { requireSession } from '../state.js';

export interface ListenOptions extends CommonOptions {
  markRead?: boolean;
}

/** `knock listen`: prints every event until interrupted (see listen-loop.ts). */
export function registerListen(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('listen')
      .description(
        'print messages, receipts, typing, guests and chat expiry as they happen, until Ctrl-C',
      )
      .option('--mark-read', 'mark each printed message as read'),
  ).action(async (options: ListenOptions) => {
    const stateDir = stateDirFrom(options, io);
    const session = await requireSession(stateDir);
    await listenUntilStopped(
      io,
      sessionClient(io, options, stateDir, session, { receive: true }),
      new Output(io, options.json === true),
      {
        me: session.user.username,
        markRead: options.markRead === true,
        refused: 'The server refused the login. Run `knock login <username>`.',
      },
    );
  });
}
