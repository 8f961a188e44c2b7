import { signal, type ReadonlySignal } from '@preact/signals';
import type { ConnectionState } from '@knock/client/connection';
import { KnockClient } from '@knock/client/knock-client';
import type { PublicUser } from '@knock/protocol/http';
import { connectionState } from '@knock/ui/connection-state';
import { ConversationModel } from '@knock/ui/conversation-model';
import { HistoryRecorder } from '@knock/ui/history-recorder';
import { ChatListModel } from './chat-list-model.js';
import { LinksModel } from './links-model.js';
import type { AccountStorage, WebPlatform } from './web-platform.js';

/**
 * A signed-in user in this browser: the client (cookie session, keys sealed in IndexedDB), the
 * chat list, the links, and one conversation model per chat opened.
 */
export class UserSession {
  readonly user: PublicUser;
  readonly client: KnockClient;
  readonly chats: ChatListModel;
  readonly links: LinksModel;
  readonly connection: ReadonlySignal<ConnectionState>;
  /** Peers whose key changed and who are not yet accepted: their chats are stopped (T7). */
  readonly stopped = signal<ReadonlySet<string>>(new Set());

  readonly #storage: AccountStorage;
  /** Stores every chat's messages as they come, open on screen or not. */
  readonly #recorder: HistoryRecorder;
  readonly #conversations = new Map<string, ConversationModel>();
  readonly #offs: (() => void)[] = [];

  constructor(platform: WebPlatform, user: PublicUser, storage: AccountStorage) {
    this.user = user;
    this.#storage = storage;
    this.client = new KnockClient({
      serverUrl: platform.origin,
      socketFactory: platform.socketFactory,
      store: storage.store,
      user,
      e2ee: { crypto: platform.crypto, keys: storage.keys, extractable: storage.extractable },
      ...(platform.fetch && { fetch: platform.fetch }),
    });
    this.#recorder = new HistoryRecorder(this.client, storage.history);
    this.chats = new ChatListModel(this.client);
    this.links = new LinksModel(this.client);
    const [connection, off] = connectionState(this.client);
    this.connection = connection;
    this.#offs.push(
      off,
      this.client.on('identityChanged', ({ userId }) => {
        this.stopped.value = new Set([...this.stopped.value, userId]);
      }),
    );
  }

  /**
   * Sets up the session (CSRF token, keys) and connects. `takeOver` when the user just signed in
   * here: this browser becomes the account's device, and peers see a new key (ADR 0008).
   */
  async start(takeOver: boolean): Promise<void> {
    await this.client.http.getSession();
    await this.client.publishKeys({ takeOver });
    await this.chats.load();
    // Connecting goes on in the background, reconnecting for as long as the session lives.
    this.client.connect().catch(() => undefined);
  }

  /** The conversation of a chat, made once and kept while the session lives. */
  conversation(chatId: string): ConversationModel | undefined {
    let model = this.#conversations.get(chatId);
    if (model) return model;
    const chat = this.chats.get(chatId);
    if (!chat) return undefined;
    model = new ConversationModel(this.client, this.#recorder, chat);
    this.#conversations.set(chatId, model);
    void model.load();
    return model;
  }

  /** Checks a peer's key against the pinned one: true when the chat may go on. */
  async identityAccepted(peerId: string): Promise<boolean> {
    const identity = await this.client.peerIdentity(peerId);
    const accepted = identity?.accepted ?? true;
    if (!accepted && !this.stopped.value.has(peerId)) {
      this.stopped.value = new Set([...this.stopped.value, peerId]);
    }
    return accepted;
  }

  async acceptIdentity(peerId: string): Promise<void> {
    await this.client.acceptIdentity(peerId);
    const next = new Set(this.stopped.value);
    next.delete(peerId);
    this.stopped.value = next;
  }

  async signOut(): Promise<void> {
    await this.client.logout().catch(() => undefined);
    await this.close();
  }

  async close(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    for (const model of this.#conversations.values()) model.dispose();
    this.#recorder.dispose();
    this.chats.dispose();
    this.links.dispose();
    await this.client.close().catch(() => undefined);
    await this.#storage.history.close();
    await this.#storage.keys.close();
  }
}
