import { MAX_REQUEST_BYTES, MAX_REQUEST_MESSAGES } from '@knock/protocol/limits';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { PreparedQuery } from '../../platform/db/prepared.js';

/** `column + amount` while the chat is a request and `sender` its guest, else `column`. */
function whileRequestOf(
  eb: ExpressionBuilder<Database, 'chats'>,
  sender: string,
  column: 'request_messages' | 'request_bytes',
  amount: number,
) {
  return eb
    .case()
    .when(eb.and([eb('guest_id', '=', sender), eb('accepted_at', 'is', null)]))
    .then(eb(column, '+', amount))
    .else(eb.ref(column))
    .end();
}

/**
 * The write path's statements, built once per repository (see PreparedQuery): each takes its
 * parameters in the order they appear in the SQL.
 */
export function messageQueries() {
  const knownSends = new PreparedQuery(
    (db: Kysely<Database>, ...clientMessageIds: string[]) =>
      db
        .selectFrom('messages')
        .select(['chat_id', 'sender_id', 'client_message_id', 'seq', 'sent_at'])
        .where('client_message_id', 'in', clientMessageIds),
    (...ids) => String(ids.length),
  );

  /**
   * Allocates `count` seqs in a live chat the sender belongs to; no row when it may not. In a
   * guest chat that is still a request, the guest's sends count against the request allowance
   * (and are refused past it), and the host's first send accepts the chat.
   */
  const allocateSeqs = new PreparedQuery(
    (
      db: Kysely<Database>,
      count: number,
      now: number,
      guestSender: string,
      guestCount: number,
      bytesSender: string,
      bytes: number,
      hostSender: string,
      acceptedAt: number,
      chatId: string,
      cutoff: number,
      memberChatId: string,
      senderId: string,
      allowanceSender: string,
      allowanceCount: number,
      allowanceBytes: number,
    ) =>
      db
        .updateTable('chats')
        .set((eb) => ({
          last_seq: eb('last_seq', '+', count),
          last_activity_at: now,
          request_messages: whileRequestOf(eb, guestSender, 'request_messages', guestCount),
          request_bytes: whileRequestOf(eb, bytesSender, 'request_bytes', bytes),
          accepted_at: eb
            .case()
            .when(
              eb.and([
                eb('kind', '=', sql.lit('guest')),
                eb('accepted_at', 'is', null),
                eb('guest_id', '<>', hostSender),
              ]),
            )
            .then(eb.val(acceptedAt))
            .else(eb.ref('accepted_at'))
            .end(),
        }))
        .where('id', '=', chatId)
        .where('last_activity_at', '>', cutoff)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('chat_members')
              .select(sql.lit(1).as('one'))
              .where('chat_id', '=', memberChatId)
              .where('user_id', '=', senderId),
          ),
        )
        .where((eb) =>
          eb.or([
            eb('guest_id', 'is', null),
            eb('guest_id', '<>', allowanceSender),
            eb('accepted_at', 'is not', null),
            eb.and([
              eb(eb('request_messages', '+', allowanceCount), '<=', sql.lit(MAX_REQUEST_MESSAGES)),
              eb(eb('request_bytes', '+', allowanceBytes), '<=', sql.lit(MAX_REQUEST_BYTES)),
            ]),
          ]),
        )
        .returning(['last_seq', 'accepted_at']),
  );

  /** Why an allocation found no row: a guest past its request allowance, or no chat at all. */
  const requestState = new PreparedQuery((db: Kysely<Database>, chatId: string, cutoff: number) =>
    db
      .selectFrom('chats')
      .select(['guest_id', 'accepted_at'])
      .where('id', '=', chatId)
      .where('last_activity_at', '>', cutoff),
  );

  /** Inserts rows given flat, six values per row in column order. */
  const insertMessages = new PreparedQuery(
    (db: Kysely<Database>, ...flat: (string | number | Uint8Array)[]) => {
      const rows: Database['messages'][] = [];
      for (let i = 0; i < flat.length; i += 6) {
        rows.push({
          chat_id: flat[i] as string,
          seq: flat[i + 1] as number,
          sender_id: flat[i + 2] as string,
          client_message_id: flat[i + 3] as string,
          ciphertext: flat[i + 4] as Uint8Array,
          sent_at: flat[i + 5] as number,
        });
      }
      return db.insertInto('messages').values(rows);
    },
    (...flat) => String(flat.length),
  );

  /**
   * Moves a member's cursor forward, never past the chat's last seq and never backwards; a row
   * comes back only when it moved.
   */
  const moveCursor = (column: 'acked_seq' | 'read_seq') =>
    new PreparedQuery(
      (
        db: Kysely<Database>,
        seq: number,
        chatId: string,
        userId: string,
        below: number,
        liveChatId: string,
        atMostLastSeq: number,
        cutoff: number,
      ) =>
        db
          .updateTable('chat_members')
          .set({ [column]: seq })
          .where('chat_id', '=', chatId)
          .where('user_id', '=', userId)
          .where(column, '<', below)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('chats')
                .select(sql.lit(1).as('one'))
                .where('id', '=', liveChatId)
                .where('last_seq', '>=', atMostLastSeq)
                .where('last_activity_at', '>', cutoff),
            ),
          )
          .returning(column),
    );

  /**
   * Deletes the payloads a recipient has just acknowledged: those after `fromSeq` up to `toSeq`
   * that someone else sent. In a 1:1 chat the recipient of a message is the one member who did not
   * send it, so that member's ack is the last one the payload waits for.
   */
  const deleteDelivered = new PreparedQuery(
    (db: Kysely<Database>, chatId: string, fromSeq: number, toSeq: number, recipientId: string) =>
      db
        .updateTable('messages')
        .set({ ciphertext: sql<null>`NULL` })
        .where('chat_id', '=', chatId)
        .where('seq', '>', fromSeq)
        .where('seq', '<=', toSeq)
        .where('sender_id', '<>', recipientId)
        .where('ciphertext', 'is not', null),
  );

  const messagesAfter = new PreparedQuery(
    (db: Kysely<Database>, chatId: string, afterSeq: number, limit: number) =>
      db
        .selectFrom('messages')
        .select([
          'seq',
          'sender_id as senderId',
          'client_message_id as clientMessageId',
          'ciphertext',
          'sent_at as sentAt',
        ])
        .where('chat_id', '=', chatId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit),
  );

  return {
    knownSends,
    allocateSeqs,
    requestState,
    insertMessages,
    moveCursor: { ack: moveCursor('acked_seq'), read: moveCursor('read_seq') },
    deleteDelivered,
    messagesAfter,
  };
}
