import { signal, type ReadonlySignal } from '@preact/signals';
import type { ConnectionState } from '@knock/client/connection';
import { KnockError } from '@knock/client/errors';
import { KnockClient } from '@knock/client/knock-client';
import type { ChatSummary } from '@knock/protocol/http';
import { connectionState } from '@knock/ui/connection-state';
import { ConversationModel } from '@knock/ui/conversation-model';
import { HistoryRecorder } from '@knock/ui/history-recorder';
import type { ChatStorage, GuestPlatform } from './guest-platform.js';
import type { SavedGuest } from './saved-guests.js';

/** How a guest chat ended, as the guest is told: a block reads as an end (no oracle, T30). */
export type GuestEnding = 'ended' | 'expired' | 'left';

/**
 * A guest in its chat: the client (its token serves this chat only), the conversation, and the
 * watch for the chat's end however it comes — a `chat_closed` frame, the server refusing the
 * token, or the chat found gone after time offline. On an end, the device forgets everything.
 */
export class GuestSession {
  readonly saved: SavedGuest;
  readonly client: KnockClient;
  readonly conversation: ConversationModel;
  readonly connection: ReadonlySignal<ConnectionState>;
  readonly ending = signal<GuestEnding | undefined>(undefined);

  readonly #platform: GuestPlatform;
  readonly #storage: ChatStorage;
  readonly #recorder: HistoryRecorder;
  readonly #offs: (() => void)[] = [];
  #probing = false;
  #leaving = false;

  private constructor(platform: GuestPlatform, saved: SavedGuest, storage: ChatStorage) {
    this.#platform = platform;
    this.#storage = storage;
    this.saved = saved;
    this.client = new KnockClient({
      serverUrl: saved.serverUrl,
      socketFactory: platform.socketFactory,
      store: storage.store,
      token: saved.token,
      user: saved.user,
      guest: true,
      e2ee: { crypto: platform.crypto, keys: storage.keys, extractable: storage.extractable },
      ...(platform.fetch && { fetch: platform.fetch }),
    });
    this.#recorder = new HistoryRecorder(this.client, storage.history);
    this.conversation = new ConversationModel(this.client, this.#recorder, placeholder(saved));
    const [connection, off] = connectionState(this.client);
    this.connection = connection;
    this.#offs.push(
      off,
      // Not awaited: closing the client waits for the frame this listener is part of.
      this.client.on('chatClosed', ({ chatId, reason }) => {
        if (chatId === saved.chatId) void this.#end(reason === 'expired' ? 'expired' : 'ended');
      }),
      this.client.on('chat', ({ chat }) => {
        if (chat.id === saved.chatId)
          this.#platform.saved.put({ ...this.saved, expiresAt: chat.expiresAt });
      }),
      this.client.on('state', ({ state }) => {
        // The server refused the token (4401): it serves one chat, so that chat is over.
        // Frames that came before the close (a `chat_closed` saying why) are handled first.
        if (state === 'unauthorized' && !this.#leaving) {
          void this.client.idle().then(() => this.#end(this.#overHow()));
        } else if (state === 'offline') void this.#probe();
      }),
    );
  }

  /** Opens a saved chat's storage and history and starts connecting (not waiting for it). */
  static async resume(platform: GuestPlatform, saved: SavedGuest, storage?: ChatStorage) {
    const session = new GuestSession(
      platform,
      saved,
      storage ?? (await platform.openStorage(saved.localId)),
    );
    await session.conversation.load();
    if (saved.expiresAt <= platform.now()) {
      await session.#end('expired');
      return session;
    }
    session.client.connect().catch(() => session.#probe());
    return session;
  }

  /** "End chat": deletes the chat on the server, then everything on this device. */
  async endChat(): Promise<void> {
    // The server's `chat_closed` may come before its answer: either way, the guest left.
    this.#leaving = true;
    try {
      await this.client.endChat(this.saved.chatId);
    } catch (error) {
      // Closed meanwhile (the frame came first), or already gone on the server: ended either way.
      const gone =
        this.ending.value !== undefined ||
        (error instanceof KnockError && ['unauthorized', 'chat_not_found'].includes(error.code));
      if (!gone) {
        this.#leaving = false;
        throw error;
      }
    }
    await this.#end('left');
  }

  async close(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    this.conversation.dispose();
    this.#recorder.dispose();
    await this.client.close().catch(() => undefined);
    await this.#storage.history.close();
    await this.#storage.keys.close();
  }

  /** After a failed connection: is the chat still there? Only a clear "no" ends it. */
  async #probe(): Promise<void> {
    if (this.#probing || this.#leaving || this.ending.value !== undefined) return;
    this.#probing = true;
    try {
      const chat = await this.client.getChat(this.saved.chatId);
      this.#platform.saved.put({ ...this.saved, expiresAt: chat.expiresAt });
    } catch (error) {
      if (error instanceof KnockError && ['unauthorized', 'chat_not_found'].includes(error.code)) {
        await this.#end(this.#overHow());
      }
    } finally {
      this.#probing = false;
    }
  }

  /** How a chat the server no longer has ended, as far as this side can tell. */
  #overHow(): GuestEnding {
    return this.saved.expiresAt <= this.#platform.now() ? 'expired' : 'ended';
  }

  async #end(how: GuestEnding): Promise<void> {
    if (this.ending.value !== undefined) return;
    this.ending.value = this.#leaving ? 'left' : how;
    this.#platform.saved.remove(this.saved.localId);
    await this.close();
    await this.#platform.deleteStorage(this.saved.localId);
  }
}

/** The summary a saved chat starts from, until the server sends the real one. */
function placeholder(saved: SavedGuest): ChatSummary {
  return {
    id: saved.chatId,
    kind: 'guest',
    peer: { id: saved.user.id, username: '', displayName: '' },
    createdAt: saved.joinedAt,
    lastActivityAt: saved.joinedAt,
    expiresAt: saved.expiresAt,
    lastSeq: 0,
    unreadCount: 0,
    ackedSeq: 0,
    readSeq: 0,
    peerAckedSeq: 0,
    peerReadSeq: 0,
    peerIdentityVersion: 0,
  };
}
