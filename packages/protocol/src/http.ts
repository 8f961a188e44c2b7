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

/**
 * A guest chat's state: a `request` until the host accepts it or replies, `ignored` when the host
 * set it aside (the guest still sees `request`: nothing tells it), `accepted` after.
 */
export const GuestChatState = v.picklist(['request', 'accepted', 'ignored']);
export type GuestChatState = v.InferOutput<typeof GuestChatState>;

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** What a guest chat adds to its summary. */
export const GuestChatInfo = v.object({
  /** Which side of it this user is: the `host` who made the link, or the `guest`. */
  role: v.picklist(['host', 'guest']),
  state: GuestChatState,
  /** The invite the guest claimed: the host's client opens the first message with its keys. */
  inviteId: Id,
  /** The guest's side of a request: what it may still send before the host accepts. */
  allowance: v.optional(v.object({ messages: Count, bytes: Count })),
});
export type GuestChatInfo = v.InferOutput<typeof GuestChatInfo>;

export const ChatSummary = v.object({
  id: Id,
  kind: v.picklist(['direct', 'guest']),
  /**
   * The other member. In a guest chat both names are empty: the guest's name travels inside its
   * encrypted first message, and the host's per-link name inside the invite bundle the guest
   * verified, so the server never learns or vouches for either.
   */
  peer: PublicUser,
  /** Present on guest chats only. */
  guest: v.optional(GuestChatInfo),
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
