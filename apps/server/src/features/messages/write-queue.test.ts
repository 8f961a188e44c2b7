import { describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.js';
import { createLogger } from '../../platform/logger.js';
import { WRITE_BATCH_BUCKETS } from '../../platform/metrics.js';
import type { CursorOp, SendOp, WriteOp, WriteResult } from './repository.js';
import { MAX_BATCH_WRITES, WriteQueue, type Committer } from './write-queue.js';

/** Records each batch's make-up and answers every write; the storage itself is tested elsewhere. */
class RecordingCommitter implements Committer {
  readonly batches: { sends: number; cursors: number }[] = [];
  private seq = 0;

  commit(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    this.batches.push({
      sends: ops.filter((op) => op.kind === 'send').length,
      cursors: ops.filter((op) => op.kind !== 'send').length,
    });
    return Promise.resolve(
      ops.map((op): WriteResult =>
        op.kind === 'send'
          ? { ok: true, kind: 'send', seq: ++this.seq, sentAt: 1, duplicate: false }
          : { ok: true, kind: op.kind, moved: true, seq: op.seq },
      ),
    );
  }
}

const send = (i: number): SendOp => ({
  kind: 'send',
  chatId: 'c'.repeat(22),
  senderId: 'a'.repeat(22),
  clientMessageId: `message-${String(i)}`,
  ciphertext: 'AAAA',
});
const ack = (i: number): CursorOp => ({
  kind: 'ack',
  chatId: 'c'.repeat(22),
  userId: `user-${String(i)}`,
  seq: 1,
});

function queue(committer: Committer) {
  return new WriteQueue(committer, systemClock, 60_000, 100_000, createLogger('silent'));
}

/** Queues `acks` cursor writes, then `sends` sends, all before the first batch, and commits them. */
async function batchesFor(acks: number, sends: number) {
  const committer = new RecordingCommitter();
  const writes = queue(committer);
  await Promise.all([
    ...Array.from({ length: acks }, (_, i) => writes.submit(ack(i))),
    ...Array.from({ length: sends }, (_, i) => writes.submit(send(i))),
  ]);
  return committer.batches;
}

describe('WriteQueue', () => {
  it('puts sends first and lets cursor writes fill in behind them, a share per batch', async () => {
    expect(await batchesFor(100, 10)).toEqual([
      { sends: 10, cursors: 32 },
      { sends: 0, cursors: 68 },
    ]);
  });

  it('gives cursor writes an eighth of a large batch, and all the room when no sends wait', async () => {
    expect(await batchesFor(3000, 2400)).toEqual([
      { sends: 2000, cursors: 250 },
      { sends: 400, cursors: 50 },
      { sends: 0, cursors: 2000 },
      { sends: 0, cursors: 700 },
    ]);
  });

  it('makes no batch larger than MAX_BATCH_WRITES, which the batch-size metric has a bucket for', async () => {
    const largest = Math.max(...(await batchesFor(3000, 2400)).map((b) => b.sends + b.cursors));
    expect(largest).toBe(MAX_BATCH_WRITES);
    expect(Math.max(...WRITE_BATCH_BUCKETS)).toBeGreaterThanOrEqual(MAX_BATCH_WRITES);
  });

  it('hands out send results in seq order whatever the batch order', async () => {
    const writes = queue(new RecordingCommitter());
    const settled: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        writes.submit(send(i)).then((r) => settled.push(r.ok && r.kind === 'send' ? r.seq : -1)),
      ),
    );
    expect(settled).toEqual([1, 2, 3, 4, 5]);
  });
});
