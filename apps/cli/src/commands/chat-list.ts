import type { Command } from 'commander';
import { httpClient, resolveServer } from '../client-factory.js';
import { formatChatTable } from '../format.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { requireSession } from '../state.js';

/** `knock chat list`: the user's chats, most recent activity first. */
export function registerChatList(chat: Command, io: CliIo): void {
  withCommonOptions(chat.command('list').description('list your chats')).action(
    async (options: CommonOptions) => {
      const session = await requireSession(stateDirFrom(options, io));
      const chats = await httpClient(resolveServer(options, session), session).listChats();
      chats.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
      const output = new Output(io, options.json === true);
      if (output.json) {
        for (const chat of chats) await output.emit('', { type: 'chat', ...chat });
      } else {
        await output.emit(
          chats.length === 0 ? 'No chats yet.' : formatChatTable(chats, Date.now()),
          {},
        );
      }
    },
  );
}
