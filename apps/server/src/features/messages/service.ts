import type { SendAckFrame, SendFrame } from '@knock/protocol/frames';
import type { Bus } from '../../platform/bus/bus.js';
import { AppError } from '../../platform/errors.js';
import type { CursorBook } from '../chats/cursor-book.js';
import type { ChatsService } from '../chats/service.js';
import type { Connection } from '../relay/connection.js';
import type { RelayEvent } from '../relay/events.js';
import type { Hub } from '../relay/hub.js';
import type { WriteQueue } from './write-queue.js';

/** Sends, acks and read markers: commit first, then tell whoever is connected. */
export class MessagingService {
  constructor(
    private readonly writes: WriteQueue,
    private readonly chats: ChatsService,
    private readonly cursors: CursorBook,
    private readonly hub: Hub,
    private readonly bus: Bus<RelayEvent>,
  ) {}

  async send(from: Connection, frame: SendFrame): Promise<SendAckFrame> {
    const result = await this.writes.submit({
      kind: 'send',
      chatId: frame.chatId,
      senderId: from.userId,
      clientMessageId: frame.clientMessageId,
      ciphertext: frame.ciphertext,
    });
    if (!result.ok) throw new AppError(result.code);
    if (result.kind !== 'send') throw new AppError('internal_error');
    from.ownSend(frame.chatId, result.seq);
    if (!result.duplicate) {
      this.cursors.noteMessages(frame.chatId, result.seq, result.sentAt, from.userId);
      const memberIds =
        this.chats.knownMemberIds(frame.chatId) ?? (await this.chats.memberIds(frame.chatId));
      const message = {
        seq: result.seq,
        senderId: from.userId,
        clientMessageId: frame.clientMessageId,
        // Delivered as the sender wrote it: no base64 pass on this thread.
        ciphertext: frame.ciphertext,
        sentAt: result.sentAt,
      };
      this.hub.offer(frame.chatId, memberIds, [message], from);
      this.bus.publish({
        kind: 'messages',
        chatId: frame.chatId,
        memberIds,
        upToSeq: result.seq,
      });
      // The host replied to a guest's request: both sides see it accepted.
      if (result.accepted === true) {
        this.bus.publish({ kind: 'chat_changed', chatId: frame.chatId, memberIds });
      }
    }
    return {
      type: 'sent',
      chatId: frame.chatId,
      clientMessageId: frame.clientMessageId,
      seq: result.seq,
      sentAt: result.sentAt,
    };
  }

  /** Typing is relayed, never stored: it may be lost. */
  async typing(userId: string, chatId: string, typing: boolean): Promise<void> {
    const memberIds = await this.chats.memberIds(chatId);
    this.bus.publish({ kind: 'typing', chatId, memberIds, userId, typing });
  }

  /**
   * Moves the user's delivered (`ack`) or read cursor and tells the peer when it passed one of
   * the peer's messages. The move is soft state until the cursor book's next flush (CursorBook).
   */
  async markCursor(
    userId: string,
    kind: 'ack' | 'read',
    chatId: string,
    seq: number,
  ): Promise<void> {
    const result = await this.cursors.mark(kind, chatId, userId, seq, this.chats.cutoff());
    if (!result.ok) throw new AppError('chat_not_found');
    if (!result.news) return;
    if (kind === 'read' && (await this.chats.hidesReads(chatId, userId))) return;
    this.bus.publish({
      kind: 'receipt',
      chatId,
      memberIds: result.memberIds,
      userId,
      receipt: kind === 'ack' ? 'delivered' : 'read',
      seq,
    });
  }
}
