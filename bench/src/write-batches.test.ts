import { describe, expect, it } from 'vitest';
import { parseHistogram, quantileBound, writeBatchesBetween } from './write-batches.js';

function exposition(seconds: number[], writes: number[]): string {
  const lines: string[] = [
    '# HELP knock_write_batch_seconds x',
    '# TYPE knock_write_batch_seconds histogram',
  ];
  const bounds = [0.001, 0.005, 0.01];
  for (const [name, values, les] of [
    ['knock_write_batch_seconds', seconds, bounds],
    ['knock_write_batch_writes', writes, [10, 100]],
  ] as const) {
    for (const le of les)
      lines.push(`${name}_bucket{le="${le}"} ${values.filter((v) => v <= le).length}`);
    lines.push(`${name}_bucket{le="+Inf"} ${values.length}`);
    lines.push(`${name}_sum ${values.reduce((a, b) => a + b, 0)}`);
    lines.push(`${name}_count ${values.length}`);
  }
  return lines.join('\n');
}

describe('write batches from /metrics', () => {
  it('reads a histogram and finds the bucket of a quantile', () => {
    const h = parseHistogram(
      exposition([0.0005, 0.002, 0.003, 0.02], [1]),
      'knock_write_batch_seconds',
    );
    expect(h?.count).toBe(4);
    expect(h && quantileBound(h, 0.5)).toBe(0.005);
    expect(h && quantileBound(h, 0.99)).toBe(Number.POSITIVE_INFINITY);
    expect(parseHistogram('nothing here', 'knock_write_batch_seconds')).toBeUndefined();
  });

  it('counts only what happened between the two readings', () => {
    const before = exposition([0.02, 0.02], [50, 50]);
    const after = exposition([0.02, 0.02, 0.0008, 0.0009, 0.004], [50, 50, 3, 5, 10]);
    const batches = writeBatchesBetween(before, after);
    expect(batches).toMatchObject({
      batches: 3,
      writesPerBatch: 6,
      p50AtMostMs: 1,
      p99AtMostMs: 5,
    });
    expect(batches?.meanMs).toBeCloseTo(1.9, 5);
    expect(writeBatchesBetween(before, before)).toBeUndefined();
  });
});
