import * as v from 'valibot';
import { Ciphertext, ClientMessageId, Id, Seq, Timestamp } from '@knock/protocol/primitives';

/** A message the server has not yet acknowledged, kept exactly as it goes on the wire. */
export const OutboxEntry = v.object({
  chatId: Id,
  clientMessageId: ClientMessageId,
  /** The codec's output as base64url, so that a resend is byte-identical to the first send. */
  ciphertext: Ciphertext,
  createdAt: Timestamp,
});
export type OutboxEntry = v.InferOutput<typeof OutboxEntry>;

/**
 * The content of a message this client sent, kept so that any client sharing the store can show
 * it: a Double Ratchet sender cannot decrypt its own ciphertext when the server echoes it back.
 */
export const OwnCopy = v.object({
  chatId: Id,
  clientMessageId: ClientMessageId,
  /** The content bytes (content.ts) as base64url: plaintext, so as private as the store. */
  content: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/)),
  createdAt: Timestamp,
});
export type OwnCopy = v.InferOutput<typeof OwnCopy>;

/** Own copies a store keeps at most; beyond this the oldest go (they were shown long ago). */
export const MAX_OWN_COPIES = 1000;

/** The persisted state of a store that keeps everything in one document (file store). */
export const StoreSnapshot = v.object({
  version: v.literal(1),
  outbox: v.array(OutboxEntry),
  /** chatId → contiguous cursor (see cursor.ts). */
  cursors: v.record(Id, Seq),
  ownCopies: v.optional(v.array(OwnCopy), () => []),
  /** chatId → the other side's name in a guest chat (see `ClientStore.putPeerName`). */
  peerNames: v.optional(v.record(Id, v.string()), () => ({})),
});
export type StoreSnapshot = v.InferOutput<typeof StoreSnapshot>;

export function emptySnapshot(): StoreSnapshot {
  return { version: 1, outbox: [], cursors: {}, ownCopies: [], peerNames: {} };
}

/**
 * Where the client keeps what must survive a restart: the outbox, the per-chat cursors and copies
 * of own messages not yet shown.
 * Implementations: memory-store.ts (tests, ephemeral sessions), file-store.node.ts (CLI, bots) and
 * later IndexedDB (browsers) — hence small asynchronous operations on two keyed collections rather
 * than one big document. Every operation is durable when its promise resolves.
 */
export interface ClientStore {
  /** Appends an entry. Entries come back from `listOutbox` in the order they were added. */
  addOutboxEntry(entry: OutboxEntry): Promise<void>;
  /** Removes an entry; removing an absent entry is not an error. */
  removeOutboxEntry(clientMessageId: string): Promise<void>;
  listOutbox(): Promise<OutboxEntry[]>;

  /** The cursor of every chat that has one. */
  listCursors(): Promise<Map<string, number>>;
  /** Raises cursors; a cursor never goes down, so a lower value is ignored. */
  saveCursors(cursors: ReadonlyMap<string, number>): Promise<void>;

  /** Keeps a copy of an own message until a client presents it (`takeOwnCopy`). */
  putOwnCopy(copy: OwnCopy): Promise<void>;
  /** Removes and returns the copy of an own message, if this store has it. */
  takeOwnCopy(clientMessageId: string): Promise<OwnCopy | undefined>;

  /**
   * Remembers the name of the other side of a guest chat, learnt end to end: the guest's name
   * from its first message (host side), the link's name from the verified bundle (guest side).
   * The server never has either.
   */
  putPeerName(chatId: string, name: string): Promise<void>;
  /** chatId → name, for every chat `putPeerName` named. */
  peerNames(): Promise<Map<string, string>>;

  /** Forgets a chat: its cursor, its outbox entries, its own copies and its peer's name. */
  deleteChat(chatId: string): Promise<void>;

  close(): Promise<void>;
}
