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

/** The persisted state of a store that keeps everything in one document (file store). */
export const StoreSnapshot = v.object({
  version: v.literal(1),
  outbox: v.array(OutboxEntry),
  /** chatId → contiguous cursor (see cursor.ts). */
  cursors: v.record(Id, Seq),
});
export type StoreSnapshot = v.InferOutput<typeof StoreSnapshot>;

export function emptySnapshot(): StoreSnapshot {
  return { version: 1, outbox: [], cursors: {} };
}

/**
 * Where the client keeps what must survive a restart: the outbox and the per-chat cursors.
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

  /** Forgets a chat: its cursor and its outbox entries. */
  deleteChat(chatId: string): Promise<void>;

  close(): Promise<void>;
}
