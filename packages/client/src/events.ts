import type { ChatSummary } from '@knock/protocol/http';
import type { ChatClosedReason } from '@knock/protocol/frames';
import type { StateChange } from './connection.js';

/** A message for the app to show. Each (chatId, seq) is emitted at most once per store. */
export interface MessageEvent {
  chatId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  sentAt: number;
  text: string;
  /** Sent by this user (from another device or an earlier session). */
  own: boolean;
}

/** The server durably stored one of this client's sends. */
export interface SentEvent {
  chatId: string;
  clientMessageId: string;
  seq: number;
  sentAt: number;
}

/** The server rejected a send for good; it has left the outbox. */
export interface SendFailedEvent {
  chatId: string;
  clientMessageId: string;
  code: string;
  message: string;
}

/** The peer's delivered or read cursor moved. */
export interface ReceiptEvent {
  chatId: string;
  userId: string;
  kind: 'delivered' | 'read';
  seq: number;
}

export interface TypingEvent {
  chatId: string;
  userId: string;
  typing: boolean;
}

/** A chat appeared or its summary changed. */
export interface ChatEvent {
  chat: ChatSummary;
}

/** The chat is gone from the server; its local state has been deleted. */
export interface ChatClosedEvent {
  chatId: string;
  /** `expired`, `ended` by either side, or `blocked` (on the host's side, by the host). */
  reason: ChatClosedReason;
}

/** A message whose payload the codec could not open or whose content is not understood. */
export interface UndecryptableEvent {
  chatId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  reason: string;
}

/**
 * A peer's identity key changed. Their chats are stopped, nothing is shown from or sent to them,
 * until the user has compared the new safety number and called `acceptIdentity(userId)`.
 */
export interface IdentityChangedEvent {
  userId: string;
  chatIds: string[];
}

/** An `error` frame that does not concern a queued send. */
export interface ServerErrorEvent {
  code: string;
  message: string;
  ref?: string;
}

/**
 * A guest opened one of this user's links: its first message opened, which proves it held the
 * link. The chat is a request until `acceptRequest` or a reply.
 */
export interface GuestJoinedEvent {
  chat: ChatSummary;
  /** The guest's display name, checked here (T32); show it with the "(Guest)" badge beside it. */
  name: string;
}

/** Something the host should know about one of its links (see `InviteNoticeFrame`). */
export interface InviteNoticeEvent {
  inviteId: string;
  notice: 'used_twice' | 'claim_flood';
}

export interface KnockClientEvents {
  guestJoined: GuestJoinedEvent;
  inviteNotice: InviteNoticeEvent;
  message: MessageEvent;
  sent: SentEvent;
  sendFailed: SendFailedEvent;
  receipt: ReceiptEvent;
  typing: TypingEvent;
  chat: ChatEvent;
  chatClosed: ChatClosedEvent;
  state: StateChange;
  undecryptable: UndecryptableEvent;
  identityChanged: IdentityChangedEvent;
  serverError: ServerErrorEvent;
}
