import type { ServerFrame } from '@knock/protocol/frames';
import type { Logger } from '../../platform/logger.js';
import type { ChatsService } from '../chats/service.js';
import type { Connection, OutgoingMessage } from './connection.js';
import type { RelayEvent } from './events.js';

/** The node's live connections by user, and the routing of relay events to them. */
export class Hub {
  private readonly byUser = new Map<string, Set<Connection>>();
  private count = 0;

  constructor(
    private readonly chats: ChatsService,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.count;
  }

  add(connection: Connection): void {
    let set = this.byUser.get(connection.userId);
    if (!set) this.byUser.set(connection.userId, (set = new Set()));
    set.add(connection);
    this.count++;
  }

  remove(connection: Connection): void {
    const set = this.byUser.get(connection.userId);
    if (!set?.delete(connection)) return;
    this.count--;
    if (set.size === 0) this.byUser.delete(connection.userId);
  }

  all(): Connection[] {
    return [...this.byUser.values()].flatMap((set) => [...set]);
  }

  /** Messages committed on this node: pushed without a storage round trip where possible. */
  offer(
    chatId: string,
    memberIds: readonly string[],
    messages: readonly OutgoingMessage[],
    except?: Connection,
  ): void {
    this.each(memberIds, (connection) => {
      if (connection !== except) connection.offer(chatId, messages);
    });
  }

  handle(event: RelayEvent): void {
    switch (event.kind) {
      case 'messages':
        return this.each(event.memberIds, (c) => c.hint(event.chatId, event.upToSeq));
      case 'receipt':
        return this.toOthers(event.memberIds, event.userId, {
          type: 'receipt',
          chatId: event.chatId,
          userId: event.userId,
          kind: event.receipt,
          seq: event.seq,
        });
      case 'typing':
        return this.toOthers(event.memberIds, event.userId, {
          type: 'typing',
          chatId: event.chatId,
          userId: event.userId,
          typing: event.typing,
        });
      case 'chat_created':
      case 'chat_changed':
        return this.each(event.memberIds, (c) => this.announce(c, event.chatId));
      case 'invite_notice':
        return this.toOthers(event.memberIds, undefined, {
          type: 'invite_notice',
          inviteId: event.inviteId,
          notice: event.notice,
        });
      case 'identity_changed':
        return this.toOthers(event.memberIds, event.userId, {
          type: 'identity_changed',
          userId: event.userId,
          identityVersion: event.identityVersion,
        });
      case 'keys_low':
        return this.toOthers([event.userId], undefined, {
          type: 'keys_low',
          oneTimePrekeys: event.oneTimePrekeys,
          kemOneTimePrekeys: event.kemOneTimePrekeys,
        });
      case 'session_revoked':
        return this.each([event.userId], (c) => {
          if (c.session.tokenHash === event.tokenHash) c.close('unauthorized');
        });
      case 'chat_closed':
        return this.each(event.memberIds, (c) => {
          if (c.hasChat(event.chatId)) {
            c.removeChat(event.chatId);
            c.send({ type: 'chat_closed', chatId: event.chatId, reason: event.reason });
          }
          // A guest has this one chat: with it gone, so is the reason to stay connected. Also
          // for a guest whose connection is still loading its chats when the chat closes.
          if (c.session.guest) c.close('unauthorized');
        });
    }
  }

  /** Sends a frame to the connections of `userIds`, except those of `exceptUserId`. */
  private toOthers(
    userIds: readonly string[],
    exceptUserId: string | undefined,
    frame: ServerFrame,
  ): void {
    this.each(userIds, (c) => {
      if (c.userId !== exceptUserId) c.send(frame);
    });
  }

  private announce(connection: Connection, chatId: string): void {
    this.chats
      .get(chatId, connection.userId)
      .then((chat) => {
        if (!chat || !connection.isOpen) return;
        connection.send({ type: 'chat', chat });
        connection.addChat(chatId, chat.ackedSeq);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not announce a chat'));
  }

  /** Visits the connections of `userIds` (a plain loop: this runs for every frame relayed). */
  private each(userIds: readonly string[], visit: (connection: Connection) => void): void {
    for (const userId of userIds) {
      const set = this.byUser.get(userId);
      if (set) for (const connection of set) visit(connection);
    }
  }
}
