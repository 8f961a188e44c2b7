import type { Command } from 'commander';
import { withSessionClient } from '../client-factory.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { withCommonOptions } from '../options.js';
import type { Output } from '../output.js';

/**
 * `knock chat safety-number <username>` shows the number to compare with a contact;
 * `knock chat trust <username>` accepts their current key after a change, resuming the chat.
 */
export function registerChatIdentity(chat: Command, io: CliIo): void {
  withCommonOptions(
    chat
      .command('safety-number')
      .description('show the safety number to compare with a contact')
      .argument('<username>'),
  ).action((username: string, options: CommonOptions) =>
    withPeer(io, options, username, async (output, identity) => {
      const state = identity.accepted ? 'trusted' : 'CHANGED, not yet trusted';
      await output.emit(`Safety number with ${username} (${state}):\n${identity.safetyNumber}`, {
        type: 'safety_number',
        username,
        ...identity,
      });
    }),
  );

  withCommonOptions(
    chat
      .command('trust')
      .description("accept a contact's changed security key after comparing the safety number")
      .argument('<username>'),
  ).action((username: string, options: CommonOptions) =>
    withPeer(io, options, username, async (output, identity, accept) => {
      if (!identity.accepted) await accept();
      await output.emit(
        identity.accepted
          ? `${username}'s key is already trusted.`
          : `Trusted ${username}'s new key; held messages arrive with the next \`knock listen\`.`,
        { type: 'trusted', username, safetyNumber: identity.safetyNumber },
      );
    }),
  );
}

type PeerTask = (
  output: Output,
  identity: { safetyNumber: string; accepted: boolean },
  accept: () => Promise<void>,
) => Promise<void>;

function withPeer(
  io: CliIo,
  options: CommonOptions,
  username: string,
  task: PeerTask,
): Promise<void> {
  return withSessionClient(io, options, async (client, _session, output) => {
    const chat = await client.startChat(username);
    const identity = await client.peerIdentity(chat.peer.id);
    if (!identity) {
      throw new CliError(
        'no_session',
        `No key of ${username} is known on this machine yet: send or receive a message first.`,
      );
    }
    await task(output, identity, () => client.acceptIdentity(chat.peer.id));
  });
}
