import { isPermanentSendError } from '@knock/protocol/errors';
import { decodeBase64url } from '@knock/protocol/base64url';
import type {
  ChatClosedReason,
  ClientFrame,
  ErrorFrame,
  MessageFrame,
  SendAckFrame,
  ServerFrame,
} from '@knock/protocol/frames';
import type { ChatSummary } from '@knock/protocol/http';
import type { AckScheduler } from './acks.js';
import type { PayloadCodec } from './codec.js';
import { decodeContent } from './content.js';
import type { ChatCursorOptions } from './cursor.js';
import { ChatCursor, defaultCursorOptions } from './cursor.js';
import type { Emitter } from './emitter.js';
import { isKnockError } from './errors.js';
import type { KnockClientEvents } from './events.js';
import type { Logger } from './logger.js';
import type { Outbox } from './outbox.js';
import type { TimerHandle, Timers } from './platform.js';
import type { ClientStore } from './store.js';

export interface DeliveryDeps {
  send: (frame: ClientFrame) => boolean;
  outbox: Outbox;
  acks: AckScheduler;
  store: ClientStore;
  codec: PayloadCodec;
  events: Emitter<KnockClientEvents>;
  logger: Logger;
  timers: Timers;
  now: () => number;
  /** False for send-only clients: incoming messages are neither handled nor acknowledged. */
  receive: boolean;
  cursor?: ChatCursorOptions;
  /** How long a gap revealed only by an own `sent` may stay open before a sync. */
  gapCheckMs?: number;
  /** The key directory's frames, for the end-to-end layer. */
  keys?: KeyFrameHandlers;
  /** Guest chats: their first messages and which of them the app may see yet. */
  guests?: GuestHandlers;
}

export interface GuestHandlers {
  /**
   * A guest's first message opened, carrying its name: true when it belongs (the chat is a guest
   * chat this user hosts and the sender is its guest), false to report it as undecryptable.
   */
  hello(chatId: string, senderId: string, name: string): Promise<boolean>;
  /** False for a guest chat whose first message has not opened yet: the app does not hear of it. */
  visible(chat: ChatSummary): boolean;
}

export interface KeyFrameHandlers {
  /** The directory ran low on this user's one-time prekeys. */
  keysLow(): Promise<void>;
  /** A peer published a new identity. */
  identityChanged(userId: string, identityVersion: number): Promise<void>;
}

/** What became of a message handed to the app. */
type Presented = 'shown' | 'held';

/**
 * The inbound side of the client: handles server frames one at a time, in arrival order, applying
 * DESIGN §4 — dedupe by seq, gap detection and back-fill via `sync`, outbox settlement, and acks
 * once the app's listeners have run.
 */
export class Delivery {
  readonly #deps: DeliveryDeps;
  readonly #cursors = new Map<string, ChatCursor>();
  readonly #gapTimers = new Map<string, TimerHandle>();
  /** Chats stopped by a peer's identity change (chatId → peer): their messages stay unacked. */
  readonly #held = new Map<string, string>();
  #userId: string | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
  }

  get userId(): string | undefined {
    return this.#userId;
  }

  /** Loads the persisted cursors. Call once before the first frame. */
  async load(): Promise<void> {
    for (const [chatId, seq] of await this.#deps.store.listCursors()) {
      this.#cursors.set(chatId, new ChatCursor(seq, this.#deps.cursor ?? defaultCursorOptions));
    }
  }

  /** The contiguous cursor of a chat (0 when unknown). */
  cursor(chatId: string): number {
    return this.#cursors.get(chatId)?.cursor ?? 0;
  }

  /** A chat summary from the server: a chat without local state starts at what this user acked. */
  seed(chat: ChatSummary): void {
    if (!this.#cursors.has(chat.id)) this.#create(chat.id, chat.ackedSeq);
  }

  /** Queues a frame; frames are processed strictly in the order given. */
  handle(frame: ServerFrame): void {
    this.#queue = this.#queue.then(() =>
      this.#process(frame).catch((error: unknown) => {
        this.#deps.logger.error('failed to handle a frame', {
          type: frame.type,
          error: String(error),
        });
      }),
    );
  }

  /** Resolves once every frame handed in so far has been processed. */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** Stops a chat: its messages are neither shown nor acknowledged until `release`. */
  hold(chatId: string, peerId: string): void {
    this.#held.set(chatId, peerId);
  }

  isHeld(chatId: string): boolean {
    return this.#held.has(chatId);
  }

  /** Resumes the peer's held chats and asks the server to replay what was held back. */
  release(peerId: string): void {
    for (const [chatId, heldFor] of this.#held) {
      if (heldFor !== peerId) continue;
      this.#held.delete(chatId);
      this.#queue = this.#queue.then(() => {
        this.#deps.send({ type: 'sync', chatId, afterSeq: this.cursor(chatId) });
      });
    }
  }

  close(): void {
    for (const timer of this.#gapTimers.values()) this.#deps.timers.clearTimeout(timer);
    this.#gapTimers.clear();
  }

  async #process(frame: ServerFrame): Promise<void> {
    const { events } = this.#deps;
    switch (frame.type) {
      case 'ready':
        this.#userId = frame.userId;
        for (const cursor of this.#cursors.values()) cursor.resetSync();
        await this.#deps.outbox.reload();
        await this.#deps.acks.flush();
        return;
      case 'sent':
        return this.#onSent(frame);
      case 'message':
        if (this.#deps.receive) await this.#onMessage(frame);
        return;
      case 'receipt':
        return events.emit('receipt', {
          chatId: frame.chatId,
          userId: frame.userId,
          kind: frame.kind,
          seq: frame.seq,
        });
      case 'typing':
        return events.emit('typing', {
          chatId: frame.chatId,
          userId: frame.userId,
          typing: frame.typing,
        });
      case 'chat':
        this.seed(frame.chat);
        if (this.#deps.guests?.visible(frame.chat) === false) return;
        return events.emit('chat', { chat: frame.chat });
      case 'invite_notice':
        return events.emit('inviteNotice', { inviteId: frame.inviteId, notice: frame.notice });
      case 'chat_closed':
        return this.#onChatClosed(frame.chatId, frame.reason);
      case 'error':
        return this.#onError(frame);
      case 'keys_low':
        return this.#deps.keys?.keysLow();
      case 'identity_changed':
        return this.#deps.keys?.identityChanged(frame.userId, frame.identityVersion);
    }
  }

  async #onSent(frame: SendAckFrame): Promise<void> {
    const { chatId, clientMessageId, seq, sentAt } = frame;
    const entry = await this.#deps.outbox.settle(clientMessageId, true);
    if (entry) await this.#deps.events.emit('sent', { chatId, clientMessageId, seq, sentAt });
    // A send-only client leaves the copy for a receiving client sharing its store to show.
    if (!this.#deps.receive) return;
    if (entry) await this.#deps.store.takeOwnCopy(clientMessageId);
    // A chat without local state whose history is unknown: leave the seq to the message stream.
    const cursor = this.#cursors.get(chatId) ?? (seq === 1 ? this.#create(chatId, 0) : undefined);
    if (!cursor) return;
    const decision = cursor.onSent(seq);
    if (decision.kind === 'advanced') this.#deps.acks.mark(chatId, decision.cursor);
    if (decision.kind === 'ahead') this.#scheduleGapCheck(chatId);
  }

  async #onMessage(frame: MessageFrame): Promise<void> {
    const { chatId, seq } = frame;
    // The server pushes from this user's acked seq on: the first message seen starts the cursor.
    const cursor = this.#cursors.get(chatId) ?? this.#create(chatId, seq - 1);
    // Held: left unacknowledged, so the server replays it once the chat is released.
    if (this.#held.has(chatId)) return;
    if (cursor.isNext(seq) && (await this.#present(frame)) === 'held') {
      this.#held.set(chatId, frame.senderId);
      return;
    }
    const decision = cursor.onMessage(seq, this.#deps.now());
    if (decision.kind === 'duplicate') {
      // Re-acknowledge: the server replays what it believes unacked, so an ack may have been lost.
      this.#deps.acks.mark(chatId, cursor.cursor);
      return;
    }
    if (decision.kind === 'gap') {
      if (decision.syncAfter !== undefined) {
        this.#deps.logger.info('gap detected; syncing', {
          chatId,
          afterSeq: decision.syncAfter,
          seq,
        });
        this.#deps.send({ type: 'sync', chatId, afterSeq: decision.syncAfter });
      }
      return;
    }
    this.#deps.acks.mark(chatId, decision.cursor);
  }

  /** Turns the next message of a chat into the app's events. */
  async #present(frame: MessageFrame): Promise<Presented> {
    const { chatId, seq, senderId, clientMessageId, sentAt, ciphertext } = frame;
    const { events, store } = this.#deps;
    const failed = async (reason: string): Promise<Presented> => {
      await events.emit('undecryptable', { chatId, seq, senderId, clientMessageId, reason });
      return 'shown';
    };
    const show = async (plaintext: Uint8Array, own: boolean): Promise<Presented> => {
      const content = decodeContent(plaintext);
      if (!content.ok) return failed(content.reason);
      if (content.content.type === 'hello') {
        if (own) return 'shown';
        const welcomed = await this.#deps.guests?.hello(chatId, senderId, content.content.name);
        return welcomed === true ? 'shown' : failed('a first message where none belongs');
      }
      const { text } = content.content;
      await events.emit('message', { chatId, seq, senderId, clientMessageId, sentAt, text, own });
      return 'shown';
    };
    if (senderId === this.#userId) {
      const entry = await this.#deps.outbox.settle(clientMessageId, true);
      const copy = await store.takeOwnCopy(clientMessageId);
      if (entry) {
        await events.emit('sent', { chatId, clientMessageId, seq, sentAt });
        return 'shown';
      }
      // A ratchet cannot open what it sent: an own message is shown from the copy kept at send
      // time. Without one it was sent and shown elsewhere, and only fills the seq.
      const bytes = copy && decodeBase64url(copy.content);
      return bytes ? show(bytes, true) : 'shown';
    }
    // A payload the server already deleted (acknowledged through another connection) only fills
    // the seq.
    if (ciphertext === undefined) return 'shown';
    const bytes = decodeBase64url(ciphertext);
    if (!bytes) return failed('ciphertext is not base64url');
    let plaintext: Uint8Array;
    try {
      plaintext = await this.#deps.codec.decode(chatId, senderId, bytes);
    } catch (error) {
      if (isKnockError(error) && error.code === 'identity_changed') {
        await events.emit('identityChanged', { userId: senderId, chatIds: [chatId] });
        return 'held';
      }
      return failed(`the codec could not open the payload: ${String(error)}`);
    }
    return show(plaintext, false);
  }

  async #onChatClosed(chatId: string, reason: ChatClosedReason): Promise<void> {
    this.#held.delete(chatId);
    const dropped = this.#deps.outbox.dropChat(chatId);
    await this.#deps.store.deleteChat(chatId);
    this.#deps.acks.forget(chatId);
    this.#cursors.delete(chatId);
    this.#clearGapTimer(chatId);
    for (const entry of dropped) {
      await this.#deps.events.emit('sendFailed', {
        chatId,
        clientMessageId: entry.clientMessageId,
        code: 'chat_not_found',
        message:
          reason === 'expired'
            ? 'The chat expired before the message was sent.'
            : 'The chat ended before the message was sent.',
      });
    }
    await this.#deps.events.emit('chatClosed', { chatId, reason });
  }

  async #onError(frame: ErrorFrame): Promise<void> {
    const { code, message, ref } = frame;
    const entry = ref === undefined ? undefined : this.#deps.outbox.get(ref);
    if (!entry) {
      this.#deps.logger.warn('server error frame', { code, ref });
      return this.#deps.events.emit(
        'serverError',
        ref === undefined ? { code, message } : { code, message, ref },
      );
    }
    if (!isPermanentSendError(code)) {
      this.#deps.outbox.retryLater(entry.clientMessageId);
      return;
    }
    await this.#deps.outbox.settle(entry.clientMessageId, false);
    const { chatId, clientMessageId } = entry;
    await this.#deps.events.emit('sendFailed', { chatId, clientMessageId, code, message });
  }

  #create(chatId: string, seq: number): ChatCursor {
    const cursor = new ChatCursor(seq, this.#deps.cursor ?? defaultCursorOptions);
    this.#cursors.set(chatId, cursor);
    return cursor;
  }

  #scheduleGapCheck(chatId: string): void {
    if (this.#gapTimers.has(chatId)) return;
    const timer = this.#deps.timers.setTimeout(() => {
      this.#gapTimers.delete(chatId);
      this.#queue = this.#queue.then(() => {
        const afterSeq = this.#cursors.get(chatId)?.checkGap(this.#deps.now());
        if (afterSeq !== undefined) this.#deps.send({ type: 'sync', chatId, afterSeq });
      });
    }, this.#deps.gapCheckMs ?? 2_000);
    this.#gapTimers.set(chatId, timer);
  }

  #clearGapTimer(chatId: string): void {
    const timer = this.#gapTimers.get(chatId);
    if (timer !== undefined) this.#deps.timers.clearTimeout(timer);
    this.#gapTimers.delete(chatId);
  }
}
