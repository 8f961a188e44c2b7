import type { HistoryEntry, MessageHistory } from '@knock/client/history';
import type { KnockClient } from '@knock/client/knock-client';

/** The client calls the recorder uses: a KnockClient, or a test's stand-in. */
export type RecorderClient = Pick<KnockClient, 'on' | 'sendText'>;

export type EntryListener = (entry: HistoryEntry) => void;

/**
 * Keeps every chat's messages on the device as they come, whether or not a conversation is on
 * screen: each message is stored before the SDK moves its cursor past it (its listeners are
 * awaited), so nothing acknowledged is ever missing from the history. Own messages are stored as
 * they are queued, then updated with the server's seq or refusal. Conversations on screen
 * subscribe to their chat's changes.
 */
export class HistoryRecorder {
  readonly history: MessageHistory;
  readonly #client: RecorderClient;
  readonly #listeners = new Map<string, Set<EntryListener>>();
  readonly #offs: (() => void)[];
  /** Acks that came before `sendText` returned their message's id. */
  readonly #early = new Map<string, { seq: number; sentAt: number }>();

  constructor(client: RecorderClient, history: MessageHistory) {
    this.#client = client;
    this.history = history;
    this.#offs = [
      client.on('message', async ({ chatId, clientMessageId, seq, own, text, sentAt }) => {
        await this.#store({ chatId, clientMessageId, seq, own, text, sentAt });
      }),
      client.on('sent', async ({ chatId, clientMessageId, seq, sentAt }) => {
        const entry = await history.patch(chatId, clientMessageId, { seq, sentAt });
        if (entry) this.#notify(entry);
        else this.#early.set(clientMessageId, { seq, sentAt });
      }),
      client.on('sendFailed', async ({ chatId, clientMessageId, code }) => {
        const entry = await history.patch(chatId, clientMessageId, { failed: code });
        if (entry) this.#notify(entry);
      }),
      client.on('chatClosed', async ({ chatId }) => {
        await history.deleteChat(chatId);
      }),
    ];
  }

  /** Queues a message and stores it as pending (or as stored, if its ack already came). */
  async sendText(chatId: string, text: string): Promise<HistoryEntry> {
    const clientMessageId = await this.#client.sendText(chatId, text);
    const early = this.#early.get(clientMessageId);
    this.#early.delete(clientMessageId);
    const entry: HistoryEntry = {
      chatId,
      clientMessageId,
      own: true,
      text,
      sentAt: early?.sentAt ?? Date.now(),
      ...(early && { seq: early.seq }),
    };
    await this.#store(entry);
    return entry;
  }

  /** Calls `listener` with each entry of `chatId` stored or updated from now on. */
  subscribe(chatId: string, listener: EntryListener): () => void {
    let set = this.#listeners.get(chatId);
    if (!set) this.#listeners.set(chatId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  dispose(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#listeners.clear();
  }

  async #store(entry: HistoryEntry): Promise<void> {
    await this.history.put(entry);
    this.#notify(entry);
  }

  #notify(entry: HistoryEntry): void {
    for (const listener of this.#listeners.get(entry.chatId) ?? []) listener(entry);
  }
}
