import * as v from 'valibot';
import {
  DisplayNameInput,
  Id,
  PasswordInput,
  Seq,
  Timestamp,
  UsernameInput,
} from './primitives.js';

// ---- Requests ----

export const RegisterRequest = v.object({
  username: UsernameInput,
  displayName: v.optional(DisplayNameInput),
  password: PasswordInput,
});
export type RegisterRequest = v.InferOutput<typeof RegisterRequest>;

export const LoginRequest = v.object({
  username: UsernameInput,
  password: PasswordInput,
});
export type LoginRequest = v.InferOutput<typeof LoginRequest>;

export const CreateTokenRequest = v.object({
  username: UsernameInput,
  password: PasswordInput,
  label: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
export type CreateTokenRequest = v.InferOutput<typeof CreateTokenRequest>;

export const StartChatRequest = v.object({ username: UsernameInput });
export type StartChatRequest = v.InferOutput<typeof StartChatRequest>;

// ---- Responses ----

export const PublicUser = v.object({
  id: Id,
  username: v.string(),
  displayName: v.string(),
});
export type PublicUser = v.InferOutput<typeof PublicUser>;

export const SessionResponse = v.object({
  user: PublicUser,
  /** Send back in the `x-knock-csrf` header on cookie-authenticated state changes. */
  csrfToken: v.string(),
});
export type SessionResponse = v.InferOutput<typeof SessionResponse>;

export const TokenResponse = v.object({
  user: PublicUser,
  /** A bearer token for `Authorization: Bearer …`; shown once, stored hashed. */
  token: v.string(),
});
export type TokenResponse = v.InferOutput<typeof TokenResponse>;

export const ChatSummary = v.object({
  id: Id,
  kind: v.literal('direct'),
  peer: PublicUser,
  createdAt: Timestamp,
  lastActivityAt: Timestamp,
  /** When the server deletes the chat unless someone writes before then. */
  expiresAt: Timestamp,
  /** Highest seq in the chat (0 when empty). */
  lastSeq: Seq,
  /** Messages from the peer after `readSeq`. */
  unreadCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** What I have acknowledged receiving and read. */
  ackedSeq: Seq,
  readSeq: Seq,
  /** What the peer has acknowledged receiving (delivered) and read. */
  peerAckedSeq: Seq,
  peerReadSeq: Seq,
  /**
   * The peer's identity version in the key directory (0 before they published keys). A client
   * that pinned a lower version checks the peer's key before it sends again: it may have missed
   * the live `identity_changed` event while offline.
   */
  peerIdentityVersion: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type ChatSummary = v.InferOutput<typeof ChatSummary>;

export const ChatListResponse = v.object({ chats: v.array(ChatSummary) });
export type ChatListResponse = v.InferOutput<typeof ChatListResponse>;

export const ChatResponse = v.object({ chat: ChatSummary });
export type ChatResponse = v.InferOutput<typeof ChatResponse>;

export const ErrorResponse = v.object({
  code: v.string(),
  message: v.string(),
  requestId: v.optional(v.string()),
});
