import { guestLabel, normaliseGuestName } from '@knock/protocol/guest-name';
import type { ChatSummary, PublicUser } from '@knock/protocol/http';
import type { Emitter } from './emitter.js';
import type { KnockClientEvents } from './events.js';
import type { GuestHandlers } from './delivery.js';
import type { ClientStore } from './store.js';

/** How an app shows the other side of a chat: a guest's name always with the badge beside it. */
export interface PeerDisplay {
  name: string;
  /** Guest chats, host side: "Guest", to render outside the name (T32). */
  badge?: 'Guest';
  /** Guest chats, host side: "Not registered". */
  notice?: 'Not registered';
}

/** What a host sees for a guest whose name its client refused (T32). */
const UNNAMED_GUEST = 'Unnamed';

export interface GuestChatsDeps {
  store: ClientStore;
  events: Emitter<KnockClientEvents>;
  /** The signed-in user: a guest may not take the host's own names. */
  user: () => PublicUser | undefined;
  /** The chat's summary, from memory or the server. */
  chat: (chatId: string) => Promise<ChatSummary>;
}

/**
 * The names in guest chats, which only the two sides know: the guest's from its first message
 * (host side), the link's from the bundle the guest verified (guest side). On the host's side a
 * guest chat stays out of sight until that first message opened, which proves the guest held
 * the link (T4).
 */
export class GuestChats implements GuestHandlers {
  readonly #deps: GuestChatsDeps;
  readonly #names = new Map<string, string>();

  constructor(deps: GuestChatsDeps) {
    this.#deps = deps;
  }

  async load(): Promise<void> {
    for (const [chatId, name] of await this.#deps.store.peerNames()) this.#names.set(chatId, name);
  }

  visible(chat: ChatSummary): boolean {
    return chat.guest?.role !== 'host' || this.#names.has(chat.id);
  }

  display(chat: ChatSummary): PeerDisplay {
    if (chat.kind !== 'guest') return { name: chat.peer.displayName || chat.peer.username };
    const name = this.#names.get(chat.id) ?? '';
    if (chat.guest?.role === 'guest') return { name };
    const { badge, notice } = guestLabel(name);
    return { name, badge, notice };
  }

  /**
   * A guest's first message opened: it belongs only as the first word of a guest chat this user
   * hosts, from its guest. The name is checked again here (never trust the sender, T32): one
   * that fails shows as "Unnamed". Then the app hears of the chat.
   */
  async hello(chatId: string, senderId: string, name: string): Promise<boolean> {
    const chat = await this.#deps.chat(chatId);
    if (chat.guest?.role !== 'host' || chat.peer.id !== senderId) return false;
    if (this.#names.has(chatId)) return false;
    const own = this.#deps.user();
    const checked = normaliseGuestName(name, {
      hostNames: own ? [own.username, own.displayName] : [],
    });
    const shown = checked.ok ? checked.name : UNNAMED_GUEST;
    await this.#deps.store.putPeerName(chatId, shown);
    this.#names.set(chatId, shown);
    await this.#deps.events.emit('chat', { chat });
    await this.#deps.events.emit('guestJoined', { chat, name: shown });
    return true;
  }
}
