import type { KnockClient } from '@knock/client/knock-client';
import type { ChatSummary } from '@knock/protocol/http';
import { ID_PATTERN } from '@knock/protocol/limits';
import { CliError } from './errors.js';

/**
 * `knock send <to>`: one of the user's chats by id (how a guest chat is named), else the direct
 * chat with the username, created if needed. A guest's name is never taken here: a guest could
 * call itself after one of the user's contacts and receive what was meant for them.
 */
export async function chatTo(client: KnockClient, to: string): Promise<ChatSummary> {
  if (ID_PATTERN.test(to)) {
    const chat = (await client.listChats()).find((candidate) => candidate.id === to);
    if (chat) return chat;
  }
  return client.startChat(to);
}

/**
 * `knock chat accept|ignore|block|end <chat>`: a guest chat the user hosts, by id or by the
 * guest's name (ignoring case) when exactly one guest has it.
 */
export async function guestChat(client: KnockClient, ref: string): Promise<ChatSummary> {
  const chats = (await client.listChats()).filter((chat) => chat.guest?.role === 'host');
  const byId = chats.find((chat) => chat.id === ref);
  if (byId) return byId;
  const wanted = ref.trim().toLowerCase();
  const named = chats.filter((chat) => client.peerDisplay(chat).name.toLowerCase() === wanted);
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) {
    throw new CliError(
      'ambiguous',
      `${named.length} guest chats are with "${ref}": name one by its id (\`knock chat list\` shows them).`,
    );
  }
  throw new CliError(
    'chat_not_found',
    `No guest chat "${ref}": give its id or the guest's name as \`knock chat list\` shows them.`,
  );
}
