import type { KnockClient } from '@knock/client/knock-client';
import type { Command } from 'commander';
import { peerLabel } from '../chat-format.js';
import { guestChat } from '../chat-ref.js';
import { withSessionClient } from '../client-factory.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { withCommonOptions } from '../options.js';

/** One thing a host does to a guest chat. */
interface GuestAction {
  command: string;
  description: string;
  /** The `type` of the JSON result. */
  type: string;
  act: (client: KnockClient, chatId: string) => Promise<unknown>;
  /** The human result, given the guest's label. */
  done: (peer: string) => string;
}

const actions: readonly GuestAction[] = [
  {
    command: 'accept',
    description: "accept a guest's request: they may write freely (replying accepts too)",
    type: 'accepted',
    act: (client, chatId) => client.acceptRequest(chatId),
    done: (peer) => `Accepted the request of ${peer}; they can write freely now.`,
  },
  {
    command: 'ignore',
    description: "set a guest's request aside; the guest is not told",
    type: 'ignored',
    act: (client, chatId) => client.ignoreRequest(chatId),
    done: (peer) => `Ignored the request of ${peer}; they are not told.`,
  },
  {
    command: 'block',
    description: 'block a guest: the chat closes on both sides and their access ends',
    type: 'blocked',
    act: (client, chatId) => client.blockGuest(chatId),
    done: (peer) => `Blocked ${peer}; the chat is closed on both sides.`,
  },
  {
    command: 'end',
    description: 'end a guest chat: the server deletes it on both sides',
    type: 'ended',
    act: (client, chatId) => client.endChat(chatId),
    done: (peer) => `Ended the chat with ${peer}; the server deleted it.`,
  },
];

/**
 * `knock chat accept|ignore|block|end <chat>`: the host's answers to a guest. `<chat>` is the
 * chat's id or the guest's name, as `knock chat list` shows them.
 */
export function registerChatGuest(chat: Command, io: CliIo): void {
  for (const action of actions) {
    withCommonOptions(
      chat
        .command(action.command)
        .description(action.description)
        .argument('<chat>', "the guest chat's id, or the guest's name"),
    ).action((ref: string, options: CommonOptions) =>
      withSessionClient(io, options, async (client, _session, output) => {
        const found = await guestChat(client, ref);
        const peer = peerLabel(found, client.peerDisplay(found));
        await action.act(client, found.id);
        await output.emit(action.done(peer), { type: action.type, chatId: found.id, peer });
      }),
    );
  }
}
