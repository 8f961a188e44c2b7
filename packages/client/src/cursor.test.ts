import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatCursor } from './cursor.js';

type Frame = { kind: 'message' | 'sent'; seq: number };

type Command =
  | { op: 'deliver'; index: number; advanceMs: number }
  | { op: 'duplicate'; index: number }
  | { op: 'drop'; index: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('deliver' as const),
      index: fc.nat(),
      advanceMs: fc.nat(3_000),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), index: fc.nat() }) },
);

/**
 * Simulates one chat of `own.length` messages over a network that reorders, duplicates and drops
 * frames, with a server that answers `sync` by replaying, then a reconnect that replays everything
 * after the cursor (the server's view of what was acked). Returns what the client handed to the app.
 */
function simulate(own: boolean[], commands: Command[]) {
  const total = own.length;
  const cursor = new ChatCursor(0, { resyncAfterMs: 1_000 });
  const replay = (afterSeq: number): Frame[] =>
    own.map((_, i) => ({ kind: 'message' as const, seq: i + 1 })).filter((f) => f.seq > afterSeq);
  let pending: Frame[] = own.map((mine, i) => ({ kind: mine ? 'sent' : 'message', seq: i + 1 }));
  const accepted: number[] = [];
  const cursors: number[] = [0];
  let syncs = 0;
  let now = 0;

  const process = (frame: Frame): void => {
    const before = cursor.cursor;
    if (frame.kind === 'sent') {
      const decision = cursor.onSent(frame.seq);
      if (decision.kind !== 'duplicate') accepted.push(frame.seq);
    } else {
      const decision = cursor.onMessage(frame.seq, now);
      if (decision.kind === 'deliver') {
        expect(frame.seq).toBe(before + 1);
        accepted.push(frame.seq);
      } else if (decision.kind === 'gap' && decision.syncAfter !== undefined) {
        expect(decision.syncAfter).toBe(before);
        syncs++;
        pending.push(...replay(decision.syncAfter));
      }
    }
    expect(cursor.cursor).toBeGreaterThanOrEqual(before);
    expect(cursor.cursor).toBeLessThanOrEqual(total);
    cursors.push(cursor.cursor);
  };

  for (const step of commands) {
    if (pending.length === 0) break;
    const index = step.index % pending.length;
    const frame = pending[index]!;
    if (step.op === 'duplicate') pending.push(frame);
    else pending.splice(index, 1);
    if (step.op === 'deliver') {
      now += step.advanceMs;
      process(frame);
    }
  }
  // Reconnect: frames in flight are lost; the server replays everything after the cursor, in order.
  cursor.resetSync();
  pending = replay(cursor.cursor);
  for (let guard = 0; pending.length > 0 && guard < 10_000; guard++) process(pending.shift()!);
  return { accepted, cursor: cursor.cursor, cursors, syncs };
}

describe('ChatCursor', () => {
  it('hands every seq to the app exactly once and ends contiguous, whatever the network does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.array(command, { maxLength: 200 }),
        (own, commands) => {
          const { accepted, cursor } = simulate(own, commands);
          expect(cursor).toBe(own.length);
          expect([...accepted].sort((a, b) => a - b)).toEqual(own.map((_, i) => i + 1));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('delivers messages in seq order: each delivered message is the one after the cursor', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constant(false), { maxLength: 30 }),
        fc.array(command, { maxLength: 150 }),
        (own, commands) => {
          const { accepted } = simulate(own, commands);
          expect(accepted).toEqual(own.map((_, i) => i + 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops duplicates and seqs at or below the cursor', () => {
    const cursor = new ChatCursor(5);
    expect(cursor.onMessage(5, 0)).toEqual({ kind: 'duplicate' });
    expect(cursor.onMessage(3, 0)).toEqual({ kind: 'duplicate' });
    expect(cursor.onMessage(6, 0)).toEqual({ kind: 'deliver', cursor: 6 });
    expect(cursor.onMessage(6, 0)).toEqual({ kind: 'duplicate' });
    expect(cursor.onSent(6)).toEqual({ kind: 'duplicate' });
  });

  it('asks for one sync per gap until the replay stalls', () => {
    const cursor = new ChatCursor(1, { resyncAfterMs: 1_000 });
    expect(cursor.onMessage(4, 0)).toEqual({ kind: 'gap', syncAfter: 1 });
    expect(cursor.onMessage(5, 10)).toEqual({ kind: 'gap' });
    expect(cursor.syncing).toBe(true);
    // No progress for resyncAfterMs: ask again.
    expect(cursor.onMessage(6, 1_010)).toEqual({ kind: 'gap', syncAfter: 1 });
    // Progress: the replay is moving, so wait.
    expect(cursor.onMessage(2, 1_020)).toEqual({ kind: 'deliver', cursor: 2 });
    expect(cursor.onMessage(7, 5_000)).toEqual({ kind: 'gap' });
    for (const seq of [3, 4, 5, 6]) cursor.onMessage(seq, 5_001);
    expect(cursor.onMessage(7, 5_002)).toEqual({ kind: 'deliver', cursor: 7 });
    expect(cursor.syncing).toBe(false);
  });

  it('jumps over own seqs known from sent once the gap before them fills', () => {
    const cursor = new ChatCursor(0);
    expect(cursor.onSent(2)).toEqual({ kind: 'ahead' });
    expect(cursor.onSent(3)).toEqual({ kind: 'ahead' });
    expect(cursor.hasGap).toBe(true);
    expect(cursor.onMessage(3, 0)).toEqual({ kind: 'duplicate' });
    expect(cursor.onMessage(1, 0)).toEqual({ kind: 'deliver', cursor: 3 });
    expect(cursor.hasGap).toBe(false);
  });

  it('syncs a gap revealed only by sent when checked and still open', () => {
    const cursor = new ChatCursor(0);
    cursor.onSent(2);
    expect(cursor.checkGap(0)).toBe(0);
    expect(cursor.checkGap(1)).toBeUndefined();
    cursor.onMessage(1, 2);
    expect(cursor.checkGap(3)).toBeUndefined();
  });
});
