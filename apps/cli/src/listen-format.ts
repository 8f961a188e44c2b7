import type {
  ChatClosedEvent,
  GuestJoinedEvent,
  IdentityChangedEvent,
  InviteNoticeEvent,
  MessageEvent,
  ReceiptEvent,
  SendFailedEvent,
  SentEvent,
  TypingEvent,
  UndecryptableEvent,
} from '@knock/client/events';
import type { StateChange } from '@knock/client/connection';
import type { ChatSummary, GuestChatInfo } from '@knock/protocol/http';
import { formatTime, indentContinuation, sanitize } from './format.js';

/** One printable event: a line for people and an object for `--json`. */
export interface Printable {
  human: string;
  data: Record<string, unknown>;
}

/** Who is who, for turning ids into names. */
export interface Names {
  me: string;
  /** The other side of a chat when known: a username, or a guest chat's `peerLabel`. */
  peer(chatId: string): string | undefined;
}

const peerName = (names: Names, chatId: string): string => names.peer(chatId) ?? `chat ${chatId}`;

export function formatMessage(event: MessageEvent, names: Names, now: number): Printable {
  const from = event.own ? names.me : (names.peer(event.chatId) ?? event.senderId);
  const who = event.own ? `${names.me} → ${peerName(names, event.chatId)}` : from;
  const prefix = `${formatTime(event.sentAt, now)} ${who}: `;
  return {
    human:
      prefix + indentContinuation(sanitize(event.text.replace(/\r\n/g, '\n')), [...prefix].length),
    data: { type: 'message', from, ...event },
  };
}

export function formatReceipt(event: ReceiptEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  const human =
    event.kind === 'read'
      ? `${peer} read up to #${event.seq}`
      : `delivered to ${peer} up to #${event.seq}`;
  return { human, data: { type: 'receipt', peer, ...event } };
}

export function formatTyping(event: TypingEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  return {
    human: event.typing ? `${peer} is typing…` : `${peer} stopped typing`,
    data: { type: 'typing', peer, ...event },
  };
}

export function formatChat(chat: ChatSummary, names: Names): Printable {
  return { human: `new chat with ${peerName(names, chat.id)}`, data: { type: 'chat', ...chat } };
}

/** A guest's first message opened: `peer` is its `peerDescription`. */
export function formatGuestJoined(event: GuestJoinedEvent, peer: string): Printable {
  const { id } = event.chat;
  return {
    human: `${peer} opened your link: a request in chat ${id} (reply, or \`knock chat accept ${id}\`)`,
    data: { type: 'guest_joined', chatId: id, name: event.name, peer, chat: event.chat },
  };
}

/** A guest chat's request was accepted or ignored (a guest hears of acceptance only). */
export function formatGuestState(chatId: string, guest: GuestChatInfo, names: Names): Printable {
  const peer = peerName(names, chatId);
  const human =
    guest.role === 'guest' && guest.state === 'accepted'
      ? `${peer} accepted your request: write as much as you like`
      : `the request of ${peer} is now ${guest.state}`;
  return { human, data: { type: 'guest_state', chatId, peer, state: guest.state } };
}

const closedBecause = {
  expired: (peer: string) => `chat with ${peer} expired`,
  ended: (peer: string) => `chat with ${peer} ended`,
  blocked: (peer: string) => `${peer} is blocked; the chat is closed`,
} as const;

export function formatChatClosed(event: ChatClosedEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  return {
    human: closedBecause[event.reason](peer),
    data: { type: 'chat_closed', peer, ...event },
  };
}

export function formatInviteNotice(event: InviteNoticeEvent): Printable {
  const { inviteId } = event;
  const human =
    event.notice === 'used_twice'
      ? `your one-time link ${inviteId} was claimed again after its first guest: someone else has it`
      : `claims on your link ${inviteId} come too fast and are refused; if that is unexpected, \`knock invite revoke ${inviteId}\``;
  return { human, data: { type: 'invite_notice', ...event } };
}

export function formatSent(event: SentEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  return {
    human: `queued message to ${peer} sent (seq ${event.seq})`,
    data: { type: 'sent', peer, ...event },
  };
}

export function formatSendFailed(event: SendFailedEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  return {
    human: `could not send a queued message to ${peer}: ${event.code}: ${event.message}`,
    data: { type: 'send_failed', peer, ...event },
  };
}

export function formatUndecryptable(event: UndecryptableEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  return {
    human: `could not read message #${event.seq} from ${peer}: ${event.reason}`,
    data: { type: 'undecryptable', peer, ...event },
  };
}

export function formatIdentityChanged(event: IdentityChangedEvent, names: Names): Printable {
  const chatId = event.chatIds[0];
  const peer = chatId === undefined ? event.userId : peerName(names, chatId);
  return {
    human:
      `${peer}'s security key changed; their messages are held until you compare the safety ` +
      `number (\`knock chat safety-number ${peer}\`) and run \`knock chat trust ${peer}\``,
    data: { type: 'identity_changed', peer, ...event },
  };
}

export function formatState(change: StateChange): Printable {
  const data = { type: 'connection', ...change };
  switch (change.state) {
    case 'online':
      return { human: 'connected; listening (Ctrl-C to stop)', data };
    case 'connecting':
      return { human: 'connecting…', data };
    case 'unauthorized':
      return { human: 'the server refused the login', data };
    case 'offline':
      return {
        human:
          change.retryInMs === undefined
            ? 'disconnected'
            : `connection lost; reconnecting in ${(change.retryInMs / 1000).toFixed(1)}s`,
        data,
      };
  }
}
