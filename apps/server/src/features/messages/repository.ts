import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { paddedContentLength } from '@knock/crypto/wire-sizes';
import { decodeBase64url } from '@knock/protocol/base64url';
import { messageQueries } from './queries.js';

export interface SendOp {
  kind: 'send';
  chatId: string;
  senderId: string;
  clientMessageId: string;
  /**
   * The payload as the client sent it, unpadded base64url. It is decoded (and refused when it is
   * not base64url) in the transaction, so on SQLite the bytes are made on the writer's thread.
   */
  ciphertext: string;
}

/** Moves a member's delivered (`ack`) or read (`read`) cursor forward. */
export interface CursorOp {
  kind: 'ack' | 'read';
  chatId: string;
  userId: string;
  seq: number;
  /**
   * Where the cursor stood as the writer last knew it (never ahead of storage). The payloads
   * acknowledged after it are deleted; without it, the whole chat is looked through.
   */
  fromSeq?: number;
  /** False when nobody else wrote after `fromSeq`: an ack with no payload to delete. */
  purge?: boolean;
}

export type WriteOp = SendOp | CursorOp;

export type WriteResult =
  | {
      ok: true;
      kind: 'send';
      seq: number;
      sentAt: number;
      duplicate: boolean;
      /** The host's send accepted a guest chat that was a request. */
      accepted?: boolean;
    }
  | { ok: true; kind: 'ack' | 'read'; moved: boolean; seq: number }
  | { ok: false; code: 'chat_not_found' | 'request_limit' | 'invalid_frame' };

export interface StoredMessage {
  seq: number;
  senderId: string;
  clientMessageId: string;
  ciphertext: Uint8Array | null;
  sentAt: number;
}

const INSERT_CHUNK = 500;

const idempotencyKey = (chatId: string, senderId: string, clientMessageId: string) =>
  `${chatId}\n${senderId}\n${clientMessageId}`;

/**
 * The write path. Every send, ack and read of one batch commits in a single transaction, so a
 * batch costs one fsync however many messages it holds (group commit).
 */
export class MessagesRepository {
  /** @internal exposed for the contract test that checks every statement is reused. */
  readonly queries = messageQueries();

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Commits a batch. Results line up with `ops`. Chats at or before `cutoff` count as expired.
   * Throws when the transaction fails: then nothing in the batch was committed.
   */
  async commit(ops: readonly WriteOp[], now: number, cutoff: number): Promise<WriteResult[]> {
    return this.db.transaction().execute(async (trx) => {
      const results = new Array<WriteResult | undefined>(ops.length);
      await this.commitSends(trx, ops, results, now, cutoff);
      await this.commitCursors(trx, ops, results, cutoff);
      return Array.from(
        results,
        (r) => r ?? { ok: false as const, code: 'chat_not_found' as const },
      );
    });
  }

  /** Messages after `afterSeq` in seq order, at most `limit`. */
  async after(chatId: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.queries.messagesAfter.execute(this.db, chatId, afterSeq, limit);
    return rows.map((row) => ({
      ...row,
      ciphertext: row.ciphertext && new Uint8Array(row.ciphertext),
    }));
  }

  private async commitSends(
    trx: Transaction<Database>,
    ops: readonly WriteOp[],
    results: (WriteResult | undefined)[],
    now: number,
    cutoff: number,
  ): Promise<void> {
    const payloads = new Map<number, Uint8Array>();
    const sendIndexes: number[] = [];
    for (const [i, op] of ops.entries()) {
      if (op.kind !== 'send') continue;
      const bytes = decodeBase64url(op.ciphertext);
      if (bytes) {
        payloads.set(i, bytes);
        sendIndexes.push(i);
      } else results[i] = { ok: false, code: 'invalid_frame' };
    }
    if (sendIndexes.length === 0) return;
    const known = await this.existing(
      trx,
      sendIndexes.map((i) => ops[i] as SendOp),
    );

    // New sends grouped by (chat, sender), each group in the order the sender sent them.
    const groups = new Map<string, number[]>();
    const firstOfKey = new Map<string, number>();
    for (const i of sendIndexes) {
      const op = ops[i] as SendOp;
      const key = idempotencyKey(op.chatId, op.senderId, op.clientMessageId);
      const stored = known.get(key);
      if (stored) {
        results[i] = {
          ok: true,
          kind: 'send',
          seq: stored.seq,
          sentAt: stored.sentAt,
          duplicate: true,
        };
        continue;
      }
      if (firstOfKey.has(key)) continue; // a resend inside the same batch: answered below
      firstOfKey.set(key, i);
      const groupKey = `${op.chatId}\n${op.senderId}`;
      const group = groups.get(groupKey);
      if (group) group.push(i);
      else groups.set(groupKey, [i]);
    }

    const rows: Database['messages'][] = [];
    for (const indexes of groups.values()) {
      const head = ops[indexes[0] as number] as SendOp;
      const allocated = await this.allocate(trx, head, indexes, payloads, now, cutoff);
      if (allocated.count === 0) {
        for (const i of indexes) results[i] = { ok: false, code: allocated.refusal };
        continue;
      }
      let seq = allocated.lastSeq - allocated.count;
      for (const i of indexes.slice(0, allocated.count)) {
        const op = ops[i] as SendOp;
        seq += 1;
        results[i] = {
          ok: true,
          kind: 'send',
          seq,
          sentAt: now,
          duplicate: false,
          ...(allocated.accepted ? { accepted: true } : {}),
        };
        rows.push({
          chat_id: op.chatId,
          seq,
          sender_id: op.senderId,
          client_message_id: op.clientMessageId,
          ciphertext: payloads.get(i) ?? null,
          sent_at: now,
        });
      }
      for (const i of indexes.slice(allocated.count)) {
        results[i] = { ok: false, code: allocated.refusal };
      }
    }
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const flat = rows
        .slice(start, start + INSERT_CHUNK)
        .flatMap((r) => [
          r.chat_id,
          r.seq,
          r.sender_id,
          r.client_message_id,
          r.ciphertext ?? new Uint8Array(),
          r.sent_at,
        ]);
      await this.queries.insertMessages.execute(trx, ...flat);
    }

    // Resends inside the batch share the first copy's answer, marked as duplicates.
    for (const i of sendIndexes) {
      if (results[i]) continue;
      const op = ops[i] as SendOp;
      const first =
        results[firstOfKey.get(idempotencyKey(op.chatId, op.senderId, op.clientMessageId)) ?? -1];
      if (first?.ok && first.kind === 'send') results[i] = { ...first, duplicate: true };
    }
  }

  /**
   * Allocates seqs for one sender's new messages in one chat, all at once when it may. A guest
   * whose request allowance cannot take them all gets as many as fit, one by one; the rest are
   * refused with `request_limit`.
   */
  private async allocate(
    trx: Transaction<Database>,
    head: SendOp,
    indexes: readonly number[],
    payloads: ReadonlyMap<number, Uint8Array>,
    now: number,
    cutoff: number,
  ): Promise<{
    count: number;
    lastSeq: number;
    accepted: boolean;
    refusal: 'chat_not_found' | 'request_limit';
  }> {
    const sizes = indexes.map((i) => paddedContentLength(payloads.get(i) ?? new Uint8Array()));
    const run = async (count: number, bytes: number) => {
      const { chatId, senderId: s } = head;
      const { rows } = await this.queries.allocateSeqs.execute(
        trx,
        count,
        now,
        s,
        count,
        s,
        bytes,
        s,
        now,
        chatId,
        cutoff,
        chatId,
        s,
        s,
        count,
        bytes,
      );
      return rows[0];
    };
    const all = await run(
      indexes.length,
      sizes.reduce((a, b) => a + b, 0),
    );
    if (all) {
      const accepted = Number(all.accepted_at) === now;
      return { count: indexes.length, lastSeq: all.last_seq, accepted, refusal: 'chat_not_found' };
    }
    const { rows } = await this.queries.requestState.execute(trx, head.chatId, cutoff);
    const chat = rows[0];
    if (chat?.guest_id !== head.senderId || chat.accepted_at !== null) {
      return { count: 0, lastSeq: 0, accepted: false, refusal: 'chat_not_found' };
    }
    let count = 0;
    let lastSeq = 0;
    for (const size of indexes.length > 1 ? sizes : []) {
      const one = await run(1, size);
      if (!one) break;
      count += 1;
      lastSeq = one.last_seq;
    }
    return { count, lastSeq, accepted: false, refusal: 'request_limit' };
  }

  private async existing(
    trx: Transaction<Database>,
    sends: readonly SendOp[],
  ): Promise<Map<string, { seq: number; sentAt: number }>> {
    const found = new Map<string, { seq: number; sentAt: number }>();
    const ids = [...new Set(sends.map((s) => s.clientMessageId))];
    for (let start = 0; start < ids.length; start += INSERT_CHUNK) {
      const { rows } = await this.queries.knownSends.execute(
        trx,
        ...ids.slice(start, start + INSERT_CHUNK),
      );
      for (const row of rows) {
        found.set(idempotencyKey(row.chat_id, row.sender_id, row.client_message_id), {
          seq: row.seq,
          sentAt: row.sent_at,
        });
      }
    }
    return found;
  }

  private async commitCursors(
    trx: Transaction<Database>,
    ops: readonly WriteOp[],
    results: (WriteResult | undefined)[],
    cutoff: number,
  ): Promise<void> {
    // Acks and reads come in bursts; only the highest seq per (chat, user, kind) matters.
    const highest = new Map<string, { op: CursorOp; indexes: number[] }>();
    for (const [i, op] of ops.entries()) {
      if (op.kind === 'send') continue;
      const key = `${op.kind}\n${op.chatId}\n${op.userId}`;
      const entry = highest.get(key);
      if (!entry) highest.set(key, { op, indexes: [i] });
      else {
        entry.indexes.push(i);
        const fromSeq = Math.min(entry.op.fromSeq ?? 0, op.fromSeq ?? 0);
        const purge = entry.op.purge !== false || op.purge !== false;
        entry.op = { ...(op.seq > entry.op.seq ? op : entry.op), fromSeq, purge };
      }
    }
    for (const { op, indexes } of highest.values()) {
      const { seq, chatId, userId } = op;
      const moved =
        (
          await this.queries.moveCursor[op.kind].execute(
            trx,
            seq,
            chatId,
            userId,
            seq,
            chatId,
            seq,
            cutoff,
          )
        ).rows.length > 0;
      // Mailbox: a payload goes once its recipient acknowledged it.
      if (moved && op.kind === 'ack' && op.purge !== false) {
        await this.queries.deleteDelivered.execute(trx, chatId, op.fromSeq ?? 0, seq, userId);
      }
      for (const i of indexes) results[i] = { ok: true, kind: op.kind, moved, seq };
    }
  }
}
