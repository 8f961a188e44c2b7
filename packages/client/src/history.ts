import * as v from 'valibot';
import { ClientMessageId, Id, Seq, Timestamp } from '@knock/protocol/primitives';

/**
 * One message as an app shows it, kept on the device: the server deletes what every member has
 * acknowledged, so the conversation a reload shows is the one kept here. Plaintext: as private as
 * the device's storage, and deleted with the chat.
 */
export const HistoryEntry = v.object({
  chatId: Id,
  clientMessageId: ClientMessageId,
  /** The chat's order; absent while an own message waits for the server. */
  seq: v.optional(Seq),
  own: v.boolean(),
  text: v.string(),
  /** The server's time once stored; the device's time before. */
  sentAt: Timestamp,
  /** Set when the server refused an own message for good: the catalogue code. */
  failed: v.optional(v.string()),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntry>;

/** What the server later tells of an own message. */
export type HistoryPatch = Partial<Pick<HistoryEntry, 'seq' | 'sentAt' | 'failed'>>;

/** Where an app keeps each chat's messages: in memory, or IndexedDB in browsers. */
export interface MessageHistory {
  /** Adds an entry, or updates the one with its clientMessageId (merging what is known). */
  put(entry: HistoryEntry): Promise<void>;
  /**
   * Updates what is known of a stored entry (its seq and time once the server stored it, or why
   * it was refused) and resolves with it; undefined, and nothing stored, when there is no entry.
   */
  patch(
    chatId: string,
    clientMessageId: string,
    patch: HistoryPatch,
  ): Promise<HistoryEntry | undefined>;
  /** A chat's messages in order: by seq, then the ones still waiting, oldest first. */
  list(chatId: string): Promise<HistoryEntry[]>;
  deleteChat(chatId: string): Promise<void>;
  close(): Promise<void>;
}

/** The order of a conversation: stored messages by seq, then those still waiting by time. */
export function compareEntries(a: HistoryEntry, b: HistoryEntry): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  if (a.seq !== undefined) return -1;
  if (b.seq !== undefined) return 1;
  return a.sentAt - b.sentAt;
}

/** What an update keeps: a known seq is never forgotten, a late failure never hides a seq. */
export function mergeEntry(old: HistoryEntry | undefined, next: HistoryEntry): HistoryEntry {
  if (!old) return next;
  const seq = next.seq ?? old.seq;
  const merged: HistoryEntry = { ...old, ...next };
  if (seq !== undefined) {
    merged.seq = seq;
    delete merged.failed;
  }
  return merged;
}

/** A MessageHistory in memory (tests, Node). */
export class MemoryHistory implements MessageHistory {
  readonly #chats = new Map<string, Map<string, HistoryEntry>>();

  put(entry: HistoryEntry): Promise<void> {
    let chat = this.#chats.get(entry.chatId);
    if (!chat) this.#chats.set(entry.chatId, (chat = new Map()));
    chat.set(entry.clientMessageId, mergeEntry(chat.get(entry.clientMessageId), { ...entry }));
    return Promise.resolve();
  }

  patch(
    chatId: string,
    clientMessageId: string,
    patch: HistoryPatch,
  ): Promise<HistoryEntry | undefined> {
    const chat = this.#chats.get(chatId);
    const old = chat?.get(clientMessageId);
    if (!chat || !old) return Promise.resolve(undefined);
    const next = mergeEntry(old, { ...old, ...patch });
    chat.set(clientMessageId, next);
    return Promise.resolve({ ...next });
  }

  list(chatId: string): Promise<HistoryEntry[]> {
    const entries = [...(this.#chats.get(chatId)?.values() ?? [])].map((e) => ({ ...e }));
    return Promise.resolve(entries.sort(compareEntries));
  }

  deleteChat(chatId: string): Promise<void> {
    this.#chats.delete(chatId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
