import type { Command } from 'commander';
import { formatChatTable, formatUnopened } from '../chat-format.js';
import { withSessionClient } from '../client-factory.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { withCommonOptions } from '../options.js';

/**
 * `knock chat list`: the user's chats, most recent activity first; guests with their badge and
 * request state. A guest chat shows once this machine opened its first message (`knock listen`
 * does): until then only their number is told.
 */
export function registerChatList(chat: Command, io: CliIo): void {
  withCommonOptions(chat.command('list').description('list your chats')).action(
    (options: CommonOptions) =>
      withSessionClient(io, options, async (client, _session, output) => {
        const chats = await client.listChats();
        const unopened = Math.max(0, (await client.http.listChats()).length - chats.length);
        chats.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
        const display = client.peerDisplay.bind(client);
        if (output.json) {
          for (const chat of chats)
            await output.emit('', { type: 'chat', ...chat, display: display(chat) });
          if (unopened > 0)
            await output.emit('', { type: 'unopened_guest_chats', count: unopened });
          return;
        }
        const table =
          chats.length === 0 ? 'No chats yet.' : formatChatTable(chats, display, Date.now());
        await output.emit(unopened > 0 ? `${table}\n${formatUnopened(unopened)}` : table, {});
      }),
  );
}
