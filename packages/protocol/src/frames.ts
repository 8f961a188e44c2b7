import * as v from 'valibot';
import { ChatSummary } from './http.js';
import { Ciphertext, ClientMessageId, Id, Seq, Timestamp } from './primitives.js';

// ---- Client → server ----

/** Store `ciphertext` in the chat; answered by `ack` once committed (or `error` with `ref`). */
export const SendFrame = v.object({
  type: v.literal('send'),
  chatId: Id,
  clientMessageId: ClientMessageId,
  ciphertext: Ciphertext,
});

/** "I have durably received everything in this chat up to `seq`": the delivered receipt. */
export const AckFrame = v.object({ type: v.literal('ack'), chatId: Id, seq: Seq });

/** "I have read everything in this chat up to `seq`." */
export const ReadFrame = v.object({ type: v.literal('read'), chatId: Id, seq: Seq });

export const TypingFrame = v.object({ type: v.literal('typing'), chatId: Id, typing: v.boolean() });

/** Replay the chat from the server's mailbox: everything after `afterSeq`, in pages. */
export const SyncFrame = v.object({ type: v.literal('sync'), chatId: Id, afterSeq: Seq });

export const ClientFrame = v.variant('type', [
  SendFrame,
  AckFrame,
  ReadFrame,
  TypingFrame,
  SyncFrame,
]);
export type ClientFrame = v.InferOutput<typeof ClientFrame>;
export type SendFrame = v.InferOutput<typeof SendFrame>;

// ---- Server → client ----

/** The connection is authenticated; pending messages follow. */
export const ReadyFrame = v.object({
  type: v.literal('ready'),
  userId: Id,
  serverTime: Timestamp,
  protocol: v.number(),
});

/** The send with `clientMessageId` is durably stored as `seq`. Resends get the same answer. */
export const SendAckFrame = v.object({
  type: v.literal('sent'),
  chatId: Id,
  clientMessageId: ClientMessageId,
  seq: Seq,
  sentAt: Timestamp,
});

/**
 * A message in the chat. `ciphertext` is absent for the receiver's own messages whose payload the
 * server already deleted: the frame then only fills the seq so that no gap appears.
 */
export const MessageFrame = v.object({
  type: v.literal('message'),
  chatId: Id,
  seq: Seq,
  senderId: Id,
  clientMessageId: ClientMessageId,
  sentAt: Timestamp,
  ciphertext: v.optional(Ciphertext),
});
export type MessageFrame = v.InferOutput<typeof MessageFrame>;

/** The peer's delivered or read cursor moved. */
export const ReceiptFrame = v.object({
  type: v.literal('receipt'),
  chatId: Id,
  userId: Id,
  kind: v.picklist(['delivered', 'read']),
  seq: Seq,
});

export const PeerTypingFrame = v.object({
  type: v.literal('typing'),
  chatId: Id,
  userId: Id,
  typing: v.boolean(),
});

/** A chat appeared (someone started one with you) or its summary changed. */
export const ChatFrame = v.object({ type: v.literal('chat'), chat: ChatSummary });

/**
 * Why a chat closed: `expired` after the inactivity limit, `ended` by the other side (a guest
 * is told `ended` when the host blocks it too: nothing tells it why), `blocked` on the host's own
 * devices when the host blocked the guest.
 */
export const ChatClosedReason = v.picklist(['expired', 'ended', 'blocked']);
export type ChatClosedReason = v.InferOutput<typeof ChatClosedReason>;

/** The chat is gone from the server, with why. Clients delete its keys and history. */
export const ChatClosedFrame = v.object({
  type: v.literal('chat_closed'),
  chatId: Id,
  reason: ChatClosedReason,
});

/**
 * Something happened to one of the host's guest links that the host should know: a one-time
 * link was claimed again after its first guest (`used_twice`), or claims on a link are being
 * refused for coming too fast (`claim_flood`, sent at most once per link every few minutes).
 */
export const InviteNoticeFrame = v.object({
  type: v.literal('invite_notice'),
  inviteId: Id,
  notice: v.picklist(['used_twice', 'claim_flood']),
});
export type InviteNoticeFrame = v.InferOutput<typeof InviteNoticeFrame>;

/** Your one-time prekeys are running low: upload more (`POST /api/keys/prekeys`). */
export const KeysLowFrame = v.object({
  type: v.literal('keys_low'),
  oneTimePrekeys: v.number(),
  kemOneTimePrekeys: v.number(),
});

/**
 * A user you share a chat with published a different identity key (a new device, or a reset).
 * Clients stop that chat until their user has seen and accepted the change.
 */
export const IdentityChangedFrame = v.object({
  type: v.literal('identity_changed'),
  userId: Id,
  identityVersion: v.number(),
});

/** A frame failed. `ref` names what failed: the `clientMessageId` of a send, or the `chatId`. */
export const ErrorFrame = v.object({
  type: v.literal('error'),
  code: v.string(),
  message: v.string(),
  ref: v.optional(v.string()),
});

export const ServerFrame = v.variant('type', [
  ReadyFrame,
  SendAckFrame,
  MessageFrame,
  ReceiptFrame,
  PeerTypingFrame,
  ChatFrame,
  ChatClosedFrame,
  KeysLowFrame,
  IdentityChangedFrame,
  InviteNoticeFrame,
  ErrorFrame,
]);
export type ServerFrame = v.InferOutput<typeof ServerFrame>;
export type ReadyFrame = v.InferOutput<typeof ReadyFrame>;
export type SendAckFrame = v.InferOutput<typeof SendAckFrame>;
export type ReceiptFrame = v.InferOutput<typeof ReceiptFrame>;
export type ChatClosedFrame = v.InferOutput<typeof ChatClosedFrame>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;
