import type { Command } from 'commander';
import type { PublicUser } from '@knock/protocol/http';
import { sessionClient } from '../client-factory.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { Names, Printable } from '../listen-format.js';
import * as fmt from '../listen-format.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { requireSession } from '../state.js';

interface ListenOptions extends CommonOptions {
  markRead?: boolean;
}

/**
 * `knock listen`: prints every event until interrupted. A message is acknowledged to the server
 * only after its line has been written, so a crash never loses one (it may print it again).
 */
export function registerListen(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('listen')
      .description('print messages, receipts, typing and chat expiry as they happen, until Ctrl-C')
      .option('--mark-read', 'mark each printed message as read'),
  ).action(async (options: ListenOptions) => {
    const interrupted = io.interrupted();
    const stateDir = stateDirFrom(options, io);
    const session = await requireSession(stateDir);
    const client = sessionClient(io, options, stateDir, session, { receive: true });
    const output = new Output(io, options.json === true);
    const peers = new Map<string, PublicUser>();
    const names: Names = {
      me: session.user.username,
      peer: (chatId) => peers.get(chatId)?.username,
    };
    const print = (printable: Printable): Promise<void> =>
      output.emit(printable.human, printable.data);
    /** Learns the peer of a chat that appeared while listening. */
    const know = async (chatId: string): Promise<void> => {
      if (peers.has(chatId)) return;
      const chat = await client.getChat(chatId).catch(() => undefined);
      if (chat) peers.set(chat.id, chat.peer);
    };

    let refused: (error: CliError) => void = () => undefined;
    const unauthorized = new Promise<CliError>((resolve) => (refused = resolve));
    client.on('message', async (event) => {
      await know(event.chatId);
      await print(fmt.formatMessage(event, names, Date.now()));
      if (options.markRead && !event.own) client.markRead(event.chatId, event.seq);
    });
    client.on('receipt', (event) => print(fmt.formatReceipt(event, names)));
    client.on('typing', (event) => print(fmt.formatTyping(event, names)));
    client.on('chat', ({ chat }) => {
      const isNew = !peers.has(chat.id);
      peers.set(chat.id, chat.peer);
      return isNew ? print(fmt.formatChat(chat)) : undefined;
    });
    client.on('chatClosed', async (event) => {
      await print(fmt.formatChatClosed(event, names));
      peers.delete(event.chatId);
    });
    client.on('sent', (event) => print(fmt.formatSent(event, names)));
    client.on('sendFailed', (event) => print(fmt.formatSendFailed(event, names)));
    client.on('undecryptable', (event) => print(fmt.formatUndecryptable(event, names)));
    client.on('identityChanged', (event) => print(fmt.formatIdentityChanged(event, names)));
    client.on('state', async (change) => {
      const { human, data } = fmt.formatState(change);
      await output.status(human, data);
      if (change.state === 'unauthorized') {
        refused(
          new CliError(
            'unauthorized',
            'The server refused the login. Run `knock login <username>`.',
          ),
        );
      }
    });

    try {
      for (const chat of await client.listChats()) peers.set(chat.id, chat.peer);
      const stopped = await Promise.race([
        client.connect().then(() => Promise.race([interrupted, unauthorized])),
        interrupted,
        unauthorized,
      ]);
      if (stopped instanceof CliError) throw stopped;
    } finally {
      await client.close();
    }
  });
}
