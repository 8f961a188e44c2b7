import { computed, signal } from '@preact/signals';
import type { KnockClient } from '@knock/client/knock-client';
import type { ChatClosedReason } from '@knock/protocol/frames';
import type { ChatSummary } from '@knock/protocol/http';

/** A chat that just closed, to tell the user why it left the list. */
export interface ClosedChat {
  name: string;
  reason: ChatClosedReason;
}

/**
 * The user's chats as the list shows them: new guest chats under Requests, the rest by last
 * activity, each with its unread count. Kept current from the client's events; the chat on
 * screen (`open`) never counts as unread.
 */
export class ChatListModel {
  readonly chats = signal<readonly ChatSummary[]>([]);
  readonly loaded = signal(false);
  readonly lastClosed = signal<ClosedChat | undefined>(undefined);
  readonly requests = computed(() =>
    this.chats.value.filter((c) => c.guest?.role === 'host' && c.guest.state === 'request'),
  );
  readonly others = computed(() =>
    this.chats.value
      .filter((c) => !(c.guest?.role === 'host' && c.guest.state === 'request'))
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt),
  );
  open: string | undefined;

  readonly #client: KnockClient;
  readonly #offs: (() => void)[] = [];
  /** Chats closed here: a summary that was on its way when it closed must not bring it back. */
  readonly #gone = new Set<string>();

  constructor(client: KnockClient) {
    this.#client = client;
    this.#offs.push(
      client.on('chat', ({ chat }) => this.#upsert(chat)),
      client.on('guestJoined', ({ chat }) => this.#upsert(chat)),
      client.on('message', ({ chatId, seq, sentAt, own }) => {
        const chat = this.get(chatId);
        if (!chat) return void this.refresh(chatId);
        this.#upsert({
          ...chat,
          lastSeq: Math.max(chat.lastSeq, seq),
          lastActivityAt: Math.max(chat.lastActivityAt, sentAt),
          unreadCount: own || this.open === chatId ? chat.unreadCount : chat.unreadCount + 1,
        });
      }),
      client.on('chatClosed', ({ chatId, reason }) => {
        const chat = this.get(chatId);
        if (chat) this.lastClosed.value = { name: this.nameOf(chat), reason };
        this.forget(chatId);
      }),
    );
  }

  async load(): Promise<void> {
    const chats = await this.#client.listChats();
    this.chats.value = chats.filter((c) => !this.#gone.has(c.id));
    this.loaded.value = true;
  }

  get(chatId: string): ChatSummary | undefined {
    return this.chats.value.find((c) => c.id === chatId);
  }

  /** Fetches one chat again (a new chat, or after a request was settled). */
  async refresh(chatId: string): Promise<ChatSummary | undefined> {
    try {
      const chat = await this.#client.getChat(chatId);
      this.#upsert(chat);
      return chat;
    } catch {
      return undefined;
    }
  }

  /** Drops a chat this user ended or blocked. */
  forget(chatId: string): void {
    this.#gone.add(chatId);
    this.chats.value = this.chats.value.filter((c) => c.id !== chatId);
  }

  /** The chat is on screen: nothing in it is unread. */
  opened(chatId: string | undefined): void {
    this.open = chatId;
    const chat = chatId === undefined ? undefined : this.get(chatId);
    if (chat && chat.unreadCount > 0) this.#upsert({ ...chat, unreadCount: 0 });
  }

  nameOf(chat: ChatSummary): string {
    return this.#client.peerDisplay(chat).name;
  }

  dispose(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  #upsert(chat: ChatSummary): void {
    if (this.#gone.has(chat.id)) return;
    const others = this.chats.value.filter((c) => c.id !== chat.id);
    const unread = this.open === chat.id ? 0 : chat.unreadCount;
    this.chats.value = [...others, { ...chat, unreadCount: unread }];
  }
}
