import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, defaultBackoff } from './backoff.js';

describe('backoff', () => {
  it('stays within [0, min(cap, base · 2^attempt)) for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, defaultBackoff, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, backoffCeiling(attempt, defaultBackoff)));
          expect(delay).toBeLessThanOrEqual(defaultBackoff.capMs);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('doubles the ceiling per attempt up to the cap', () => {
    const options = { baseMs: 500, capMs: 30_000, stableAfterMs: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map((a) => backoffCeiling(a, options))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('uses full jitter: the whole range from zero is reachable', () => {
    expect(backoffDelay(3, defaultBackoff, () => 0)).toBe(0);
    expect(backoffDelay(3, defaultBackoff, () => 0.999999)).toBe(3_999);
  });
});
