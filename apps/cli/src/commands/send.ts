import type { Command } from 'commander';
import { chatTo } from '../chat-ref.js';
import { peerLabel } from '../chat-format.js';
import { sessionClient } from '../client-factory.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { messageBody, parseSeconds, sendAndConfirm } from '../send-text.js';
import { requireSession } from '../state.js';

interface SendOptions extends CommonOptions {
  timeout: number;
}

/**
 * `knock send <to> <text>`: finds or creates the chat, queues the message in the outbox in the
 * state directory, connects and waits until the server has stored it.
 */
export function registerSend(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('send')
      .description('send a message and wait until the server has stored it')
      .argument('<to>', "a username, or a chat's id (how guest chats are named)")
      .argument('<text>', 'the message; - reads it from stdin')
      .option('--timeout <seconds>', 'how long to wait for the server', parseSeconds, 30),
  ).action(async (to: string, text: string, options: SendOptions) => {
    const stateDir = stateDirFrom(options, io);
    const session = await requireSession(stateDir);
    const body = await messageBody(io, text);
    const client = sessionClient(io, options, stateDir, session, { receive: false });
    try {
      await client.publishKeys();
      const chat = await chatTo(client, to);
      const peer = peerLabel(chat, client.peerDisplay(chat));
      const sent = await sendAndConfirm(client, chat.id, body, {
        timeout: options.timeout,
        peer,
        refused: 'The server no longer accepts this login. Run `knock login <username>`.',
        later: '`knock send` or `knock listen`',
      });
      await new Output(io, options.json === true).emit(`Sent to ${peer} (seq ${sent.seq}).`, {
        type: 'sent',
        to: peer,
        ...sent,
      });
    } finally {
      await client.close();
    }
  });
}
