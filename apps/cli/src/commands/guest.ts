import { isKnockError } from '@knock/client/errors';
import type { Command } from 'commander';
import { guestClient, httpClient, resolveServer } from '../client-factory.js';
import { sanitize } from '../format.js';
import { formatGuestEnded } from '../guest-format.js';
import { asGuest, GUEST_REFUSED, listenAsGuest } from '../guest-session.js';
import { deleteGuest, requireGuest } from '../guest-state.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { messageBody, parseSeconds, sendAndConfirm } from '../send-text.js';
import { registerGuestJoin } from './guest-join.js';

interface GuestOptions extends CommonOptions {
  chat?: string;
}

/** Every guest command but `join` acts on one guest chat: `--chat`, else the current one. */
function withChatOption(command: Command): Command {
  return withCommonOptions(
    command.option('--chat <id>', 'which guest chat (default: the one joined last)'),
    { server: 'server URL (default: the one the chat was joined on)' },
  );
}

/**
 * `knock guest join|send|listen|end`: a guest's side of a guest chat, for bots and tests. Each
 * guest chat joined here has its own token and identity (see guest-state.ts).
 */
export function registerGuest(guest: Command, io: CliIo): void {
  registerGuestJoin(guest, io);

  withChatOption(
    guest
      .command('send')
      .description('send a message as the guest and wait until the server has stored it')
      .argument('<text>', 'the message; - reads it from stdin')
      .option('--timeout <seconds>', 'how long to wait for the server', parseSeconds, 30),
  ).action(async (text: string, options: GuestOptions & { timeout: number }) => {
    const stateDir = stateDirFrom(options, io);
    const joined = await requireGuest(stateDir, options.chat);
    const body = await messageBody(io, text);
    const host = sanitize(joined.profile.hostName);
    const client = guestClient(io, options, joined, { receive: false });
    try {
      const sent = await asGuest(
        sendAndConfirm(client, joined.profile.chatId, body, {
          timeout: options.timeout,
          peer: host,
          refused: GUEST_REFUSED,
          later: '`knock guest send` or `knock guest listen`',
        }),
      );
      await new Output(io, options.json === true).emit(`Sent to ${host} (seq ${sent.seq}).`, {
        type: 'sent',
        to: host,
        ...sent,
      });
    } finally {
      await client.close();
    }
  });

  withChatOption(
    guest
      .command('listen')
      .description("print the guest chat's messages as they come, until Ctrl-C or its end")
      .option('--mark-read', 'mark each printed message as read'),
  ).action(async (options: GuestOptions & { markRead?: boolean }) => {
    const stateDir = stateDirFrom(options, io);
    const joined = await requireGuest(stateDir, options.chat);
    await listenAsGuest(io, options, stateDir, joined, new Output(io, options.json === true));
  });

  withChatOption(
    guest
      .command('end')
      .description('end the guest chat for both sides and remove it from this machine'),
  ).action(async (options: GuestOptions) => {
    const stateDir = stateDirFrom(options, io);
    const { profile } = await requireGuest(stateDir, options.chat);
    let wasOpen = true;
    try {
      await httpClient(resolveServer(options, profile), profile).endChat(profile.chatId);
    } catch (error) {
      // A chat that ended, expired or was blocked already is as good as ended.
      const gone = isKnockError(error) && ['unauthorized', 'chat_not_found'].includes(error.code);
      if (!gone) throw error;
      wasOpen = false;
    }
    await deleteGuest(stateDir, profile.chatId);
    const { human, data } = formatGuestEnded(profile.chatId, profile.hostName, wasOpen);
    await new Output(io, options.json === true).emit(human, data);
  });
}
