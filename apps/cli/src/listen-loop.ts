import { isKnockError } from '@knock/client/errors';
import type { KnockClient } from '@knock/client/knock-client';
import type { ChatSummary } from '@knock/protocol/http';
import { peerDescription, peerLabel } from './chat-format.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import type { Names, Printable } from './listen-format.js';
import * as fmt from './listen-format.js';
import type { Output } from './output.js';

export interface ListenSettings {
  /** Who the user is in the lines of own messages. */
  me: string;
  /** Marks each printed message as read. */
  markRead: boolean;
  /** What to tell the user when the server refuses the credentials. */
  refused: string;
  /** A guest's one chat: listening ends when it closes. */
  until?: string;
}

/** Why listening ended: Ctrl-C, or the chat of `until` closed. */
export type Stopped = 'interrupted' | 'closed';

/**
 * Prints every event of `client` until interrupted, then closes it. A message is acknowledged to
 * the server only after its line has been written, so a crash never loses one (it may print it
 * again). Fails with `unauthorized` when the server refuses the credentials.
 */
export async function listenUntilStopped(
  io: CliIo,
  client: KnockClient,
  output: Output,
  settings: ListenSettings,
): Promise<Stopped> {
  const interrupted = io.interrupted().then((): Stopped => 'interrupted');
  // Labels are taken when a chat is learnt: the client forgets a guest's name as its chat closes.
  const chats = new Map<string, { chat: ChatSummary; label: string }>();
  const remember = (chat: ChatSummary): void => {
    chats.set(chat.id, { chat, label: peerLabel(chat, client.peerDisplay(chat)) });
  };
  const names: Names = { me: settings.me, peer: (chatId) => chats.get(chatId)?.label };
  const print = (printable: Printable): Promise<void> =>
    output.emit(printable.human, printable.data);
  /** Learns the peer of a chat that appeared while listening. */
  const know = async (chatId: string): Promise<void> => {
    if (chats.has(chatId)) return;
    const chat = await client.getChat(chatId).catch(() => undefined);
    if (chat) remember(chat);
  };
  const refusal = new CliError('unauthorized', settings.refused);
  let refused: (error: CliError) => void = () => undefined;
  const unauthorized = new Promise<CliError>((resolve) => (refused = resolve));
  let closed: (stopped: Stopped) => void = () => undefined;
  const over = new Promise<Stopped>((resolve) => (closed = resolve));

  client.on('message', async (event) => {
    await know(event.chatId);
    await print(fmt.formatMessage(event, names, Date.now()));
    if (settings.markRead && !event.own) client.markRead(event.chatId, event.seq);
  });
  client.on('receipt', (event) => print(fmt.formatReceipt(event, names)));
  client.on('typing', (event) => print(fmt.formatTyping(event, names)));
  client.on('chat', ({ chat }) => {
    const known = chats.get(chat.id)?.chat;
    remember(chat);
    // A host hears of a new guest as `guestJoined`, which follows.
    if (!known) return chat.guest?.role === 'host' ? undefined : print(fmt.formatChat(chat, names));
    if (!chat.guest || known.guest?.state === chat.guest.state) return undefined;
    return print(fmt.formatGuestState(chat.id, chat.guest, names));
  });
  client.on('guestJoined', (event) =>
    print(
      fmt.formatGuestJoined(event, peerDescription(event.chat, client.peerDisplay(event.chat))),
    ),
  );
  client.on('inviteNotice', (event) => print(fmt.formatInviteNotice(event)));
  client.on('chatClosed', async (event) => {
    await print(fmt.formatChatClosed(event, names));
    chats.delete(event.chatId);
    if (event.chatId === settings.until) closed('closed');
  });
  client.on('sent', (event) => print(fmt.formatSent(event, names)));
  client.on('sendFailed', (event) => print(fmt.formatSendFailed(event, names)));
  client.on('undecryptable', (event) => print(fmt.formatUndecryptable(event, names)));
  client.on('identityChanged', (event) => print(fmt.formatIdentityChanged(event, names)));
  client.on('state', async (change) => {
    const { human, data } = fmt.formatState(change);
    await output.status(human, data);
    // A closed chat's frame may come just before its token dies: let it be handled first.
    if (change.state === 'unauthorized') await client.idle().then(() => refused(refusal));
  });

  try {
    for (const chat of await client.listChats()) remember(chat);
    const connected = client.connect().then(
      () => Promise.race([interrupted, unauthorized, over]),
      (error: unknown) => {
        throw isKnockError(error) && error.code === 'unauthorized' ? refusal : error;
      },
    );
    const stopped = await Promise.race([connected, interrupted, unauthorized, over]);
    if (stopped instanceof CliError) throw stopped;
    return stopped;
  } finally {
    await client.close();
  }
}
