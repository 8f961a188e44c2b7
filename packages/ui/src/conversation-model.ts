import { batch, signal } from '@preact/signals';
import { compareEntries, mergeEntry } from '@knock/client/history';
import type { HistoryEntry } from '@knock/client/history';
import type { KnockClient } from '@knock/client/knock-client';
import type { ChatClosedReason } from '@knock/protocol/frames';
import type { ChatSummary } from '@knock/protocol/http';
import type { HistoryRecorder } from './history-recorder.js';

/** What a bubble's ticks say about an own message. */
export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export function statusOf(entry: HistoryEntry, delivered: number, read: number): DeliveryStatus {
  if (entry.failed !== undefined) return 'failed';
  if (entry.seq === undefined) return 'pending';
  if (entry.seq <= read) return 'read';
  if (entry.seq <= delivered) return 'delivered';
  return 'sent';
}

/** The client calls a conversation uses: a KnockClient, or a test's stand-in. */
export type ConversationClient = Pick<KnockClient, 'on' | 'sendText' | 'setTyping' | 'markRead'>;

/** A typing notice is resent at most this often while the user keeps typing… */
const TYPING_REPEAT_MS = 3_000;
/** …and counts as stopped after this long without a key. */
const TYPING_IDLE_MS = 5_000;
/** A peer's "typing" fades after this long without another notice (it is lossy). */
const PEER_TYPING_MS = 6_000;

/**
 * One chat as the views show it, in signals: the messages (from the device's history, then live),
 * the peer's receipts and typing, the expiry, and why it closed. The view only renders these and
 * calls the methods; everything here runs in Node against a real client too.
 */
export class ConversationModel {
  readonly chatId: string;
  readonly messages = signal<readonly HistoryEntry[]>([]);
  readonly peerDelivered = signal(0);
  readonly peerRead = signal(0);
  readonly peerTyping = signal(false);
  readonly expiresAt = signal(0);
  readonly undecryptable = signal(0);
  readonly closed = signal<ChatClosedReason | undefined>(undefined);

  readonly #client: ConversationClient;
  readonly #recorder: HistoryRecorder;
  readonly #offs: (() => void)[] = [];
  #typingSentAt = 0;
  #typingIdle: ReturnType<typeof setTimeout> | undefined;
  #peerTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(client: ConversationClient, recorder: HistoryRecorder, chat: ChatSummary) {
    this.chatId = chat.id;
    this.#client = client;
    this.#recorder = recorder;
    this.#summary(chat);
    const mine = (event: { chatId: string }) => event.chatId === this.chatId;
    this.#offs.push(
      // The recorder stores every message; this conversation shows those of its chat.
      recorder.subscribe(this.chatId, (entry) => {
        if (!entry.own) this.#setPeerTyping(false);
        this.#show(entry);
      }),
      client.on('receipt', (event) => {
        if (!mine(event)) return;
        const target = event.kind === 'read' ? this.peerRead : this.peerDelivered;
        if (event.seq > target.value) target.value = event.seq;
      }),
      client.on('typing', (event) => {
        if (mine(event)) this.#setPeerTyping(event.typing);
      }),
      client.on('chat', ({ chat }) => {
        if (chat.id === this.chatId) this.#summary(chat);
      }),
      client.on('undecryptable', (event) => {
        if (mine(event)) this.undecryptable.value++;
      }),
      client.on('chatClosed', (event) => {
        if (mine(event)) this.closed.value = event.reason;
      }),
    );
  }

  /** Reads the chat's history from the device. */
  async load(): Promise<void> {
    const stored = await this.#recorder.history.list(this.chatId);
    const live = new Map(this.messages.value.map((m) => [m.clientMessageId, m]));
    for (const entry of stored)
      if (!live.has(entry.clientMessageId)) live.set(entry.clientMessageId, entry);
    this.messages.value = [...live.values()].sort(compareEntries);
  }

  /** Queues a message: shown at once as pending, sent as soon as there is a connection. */
  async send(text: string): Promise<void> {
    const trimmed = text.trim();
    if (trimmed === '') return;
    this.#stopTyping();
    await this.#recorder.sendText(this.chatId, trimmed);
  }

  /** The user typed in the composer: tells the peer, at most every few seconds. */
  typed(): void {
    const now = Date.now();
    if (now - this.#typingSentAt > TYPING_REPEAT_MS) {
      this.#typingSentAt = now;
      this.#client.setTyping(this.chatId, true);
    }
    clearTimeout(this.#typingIdle);
    this.#typingIdle = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS);
  }

  /** The conversation is on screen: everything from the peer up to now is read. */
  markSeen(): void {
    let last = 0;
    for (const m of this.messages.value)
      if (!m.own && m.seq !== undefined) last = Math.max(last, m.seq);
    if (last > 0) this.#client.markRead(this.chatId, last);
  }

  dispose(): void {
    for (const off of this.#offs.splice(0)) off();
    clearTimeout(this.#typingIdle);
    clearTimeout(this.#peerTypingTimer);
  }

  #stopTyping(): void {
    clearTimeout(this.#typingIdle);
    if (this.#typingSentAt === 0) return;
    this.#typingSentAt = 0;
    this.#client.setTyping(this.chatId, false);
  }

  #setPeerTyping(typing: boolean): void {
    clearTimeout(this.#peerTypingTimer);
    this.peerTyping.value = typing;
    if (typing)
      this.#peerTypingTimer = setTimeout(() => (this.peerTyping.value = false), PEER_TYPING_MS);
  }

  #summary(chat: ChatSummary): void {
    batch(() => {
      this.expiresAt.value = chat.expiresAt;
      if (chat.peerAckedSeq > this.peerDelivered.value)
        this.peerDelivered.value = chat.peerAckedSeq;
      if (chat.peerReadSeq > this.peerRead.value) this.peerRead.value = chat.peerReadSeq;
    });
  }

  /** Shows a stored or updated entry (the recorder merged it with what was stored). */
  #show(entry: HistoryEntry): void {
    if (this.closed.value !== undefined) return;
    const old = this.messages.value.find((m) => m.clientMessageId === entry.clientMessageId);
    const others = this.messages.value.filter((m) => m !== old);
    this.messages.value = [...others, mergeEntry(old, entry)].sort(compareEntries);
  }
}
