import type {
  ChatClosedEvent,
  IdentityChangedEvent,
  MessageEvent,
  ReceiptEvent,
  SendFailedEvent,
  SentEvent,
  TypingEvent,
  UndecryptableEvent,
} from '@knock/client/events';
import type { StateChange } from '@knock/client/connection';
import type { ChatSummary } from '@knock/protocol/http';
import { formatTime, indentContinuation, sanitize } from './format.js';

/** One printable event: a line for people and an object for `--json`. */
export interface Printable {
  human: string;
  data: Record<string, unknown>;
}

/** Who is who, for turning ids into names. */
export interface Names {
  me: string;
  /** The peer's username in a chat, when known. */
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

export function formatChat(chat: ChatSummary): Printable {
  return { human: `new chat with ${chat.peer.username}`, data: { type: 'chat', ...chat } };
}

export function formatChatClosed(event: ChatClosedEvent, names: Names): Printable {
  const peer = peerName(names, event.chatId);
  return {
    human: `chat with ${peer} ${event.reason}`,
    data: { type: 'chat_closed', peer, ...event },
  };
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
