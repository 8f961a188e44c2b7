import type { Socket } from 'node:net';
import { encodeBase64url } from '@knock/protocol/base64url';
import { errorCatalogue, type ErrorCode } from '@knock/protocol/errors';
import { SYNC_PAGE_SIZE } from '@knock/protocol/limits';
import type { MessageFrame, ServerFrame } from '@knock/protocol/frames';
import type { WebSocket } from 'ws';
import type { Logger } from '../../platform/logger.js';
import type { StoredMessage } from '../messages/repository.js';

/** A message to deliver: its payload as stored, or as the sender's base64url when just sent. */
export type OutgoingMessage = Omit<StoredMessage, 'ciphertext'> & {
  ciphertext: Uint8Array | string | null;
};

export interface ConnectionDeps {
  /** Reads the mailbox: messages after a seq, in order. */
  readAfter(chatId: string, afterSeq: number, limit: number): Promise<StoredMessage[]>;
  onFrameOut(): void;
  onMessageOut(): void;
  log: Logger;
  /** Above this many queued bytes the connection stops pushing and pages from storage later. */
  bufferLimit: number;
}

/**
 * One client socket's view of its chats. For each chat it remembers `cursor`, the highest seq the
 * client has been sent with nothing missing below it. Live messages go straight out when they
 * are next in line; anything else (a gap, a slow socket, a hint from another node) marks the chat
 * for catch-up from storage, which pages through in order. So a client never sees a hole, and a
 * reader that stops reading costs the server no more than `bufferLimit`.
 */
export class Connection {
  private readonly cursors = new Map<string, number>();
  /** Highest seq known to exist per chat; catch-up runs until the cursor reaches it. */
  private readonly known = new Map<string, number>();
  private readonly behind = new Set<string>();
  private pumping = false;
  private closed = false;
  private wakeDrain: (() => void) | undefined;
  private corked = false;

  constructor(
    readonly userId: string,
    private readonly socket: WebSocket,
    private readonly raw: Socket,
    private readonly deps: ConnectionDeps,
    /** The session it was opened with: `guest` serves one chat and ends with it. */
    readonly session: { tokenHash: string; guest: boolean },
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  hasChat(chatId: string): boolean {
    return this.cursors.has(chatId);
  }

  /** Starts delivery for the chats the user belongs to, from what they acknowledged. */
  start(memberships: readonly { chatId: string; ackedSeq: number }[]): void {
    for (const m of memberships) this.addChat(m.chatId, m.ackedSeq);
    this.pump();
  }

  addChat(chatId: string, fromSeq = 0): void {
    if (this.cursors.has(chatId)) return;
    this.cursors.set(chatId, fromSeq);
    this.behind.add(chatId);
    this.pump();
  }

  removeChat(chatId: string): void {
    this.cursors.delete(chatId);
    this.known.delete(chatId);
    this.behind.delete(chatId);
  }

  /** Messages just committed on this node, in seq order. */
  offer(chatId: string, messages: readonly OutgoingMessage[]): void {
    const last = messages.at(-1);
    if (!last || !this.cursors.has(chatId)) return;
    this.noteKnown(chatId, last.seq);
    if (this.behind.has(chatId) || this.congested()) return this.markBehind(chatId);
    for (const message of messages) {
      const cursor = this.cursors.get(chatId) ?? 0;
      if (message.seq <= cursor) continue;
      if (message.seq !== cursor + 1) return this.markBehind(chatId);
      this.sendMessage(chatId, message);
    }
  }

  /** Another node committed up to `seq`: fetch from storage if that is news. */
  hint(chatId: string, seq: number): void {
    const cursor = this.cursors.get(chatId);
    if (cursor === undefined || seq <= cursor) return;
    this.noteKnown(chatId, seq);
    this.markBehind(chatId);
  }

  /** Re-reads every chat from storage (after cross-node events may have been lost). */
  recheckAll(): void {
    for (const chatId of this.cursors.keys()) this.behind.add(chatId);
    this.pump();
  }

  /** The client's own send was stored as `seq`: it needs no copy of it. */
  ownSend(chatId: string, seq: number): void {
    const cursor = this.cursors.get(chatId);
    if (cursor !== undefined && seq === cursor + 1 && !this.behind.has(chatId))
      this.cursors.set(chatId, seq);
  }

  /** The client asks for everything after `afterSeq` (it found a gap, or lost its state). */
  resync(chatId: string, afterSeq: number): void {
    if (!this.cursors.has(chatId)) return;
    this.cursors.set(chatId, afterSeq);
    this.markBehind(chatId);
  }

  send(frame: ServerFrame): void {
    if (this.closed) return;
    this.cork();
    this.socket.send(JSON.stringify(frame));
    this.deps.onFrameOut();
  }

  /**
   * Frames sent in one turn of the event loop (a batch's acks and deliveries) leave in one write
   * instead of one system call each.
   */
  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.raw.cork();
    setImmediate(() => {
      this.corked = false;
      this.raw.uncork();
    });
  }

  sendError(code: ErrorCode, ref?: string): void {
    this.send({
      type: 'error',
      code,
      message: errorCatalogue[code].message,
      ...(ref === undefined ? {} : { ref }),
    });
  }

  close(code: ErrorCode): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(errorCatalogue[code].close, code);
  }

  /** Called once the socket is gone: stops delivery and releases a catch-up waiting to drain. */
  detach(): void {
    this.closed = true;
    this.wakeDrain?.();
  }

  private noteKnown(chatId: string, seq: number): void {
    if (seq > (this.known.get(chatId) ?? 0)) this.known.set(chatId, seq);
  }

  private markBehind(chatId: string): void {
    this.behind.add(chatId);
    this.pump();
  }

  private congested(): boolean {
    return this.socket.bufferedAmount > this.deps.bufferLimit;
  }

  private sendMessage(chatId: string, message: OutgoingMessage): void {
    this.cursors.set(chatId, message.seq);
    this.deps.onMessageOut();
    const frame: MessageFrame = {
      type: 'message',
      chatId,
      seq: message.seq,
      senderId: message.senderId,
      clientMessageId: message.clientMessageId,
      sentAt: message.sentAt,
    };
    const { ciphertext } = message;
    if (ciphertext !== null)
      frame.ciphertext = typeof ciphertext === 'string' ? ciphertext : encodeBase64url(ciphertext);
    this.send(frame);
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    this.catchUp()
      .catch((error: unknown) => {
        this.deps.log.warn({ err: error }, 'catch-up failed; closing so the client resumes');
        this.close('internal_error');
      })
      .finally(() => {
        this.pumping = false;
      });
  }

  private async catchUp(): Promise<void> {
    while (!this.closed && this.behind.size > 0) {
      if (this.congested()) {
        await this.drained();
        continue;
      }
      const chatId = this.behind.values().next().value as string;
      const from = this.cursors.get(chatId);
      if (from === undefined) {
        this.behind.delete(chatId);
        continue;
      }
      const page = await this.deps.readAfter(chatId, from, SYNC_PAGE_SIZE);
      if (this.cursors.get(chatId) !== from) continue; // moved meanwhile (resync): read again
      let full = false;
      for (const message of page) {
        if (message.seq !== (this.cursors.get(chatId) ?? 0) + 1) break;
        this.sendMessage(chatId, message);
        // At the cap the rest of the page waits: it is read again once the socket drains.
        if ((full = this.congested())) break;
      }
      const cursor = this.cursors.get(chatId) ?? 0;
      const caughtUp = page.length < SYNC_PAGE_SIZE && cursor >= (this.known.get(chatId) ?? 0);
      if (!full && (caughtUp || cursor === from)) {
        // Either done, or storage holds nothing that follows the cursor (the chat was purged).
        this.behind.delete(chatId);
      }
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.raw.off('drain', done);
        this.wakeDrain = undefined;
        resolve();
      };
      this.wakeDrain = done;
      this.raw.on('drain', done);
    });
  }
}
