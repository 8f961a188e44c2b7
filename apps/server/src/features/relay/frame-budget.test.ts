import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameBudget } from './frame-budget.js';

describe('frame budget', () => {
  it('allows a burst of twice the rate, then asks for the time the debt takes to repay', () => {
    const budget = new FrameBudget(100, 0);
    for (let i = 0; i < 200; i++) expect(budget.spend(0)).toBe(0);
    expect(budget.spend(0)).toBe(10);
    expect(budget.spend(0)).toBe(20);
    expect(budget.spend(30)).toBe(0); // 3 tokens back after 30 ms, 2 spent in debt
  });

  it('never lets more than burst + rate × t frames through without waiting (T28)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 500 }),
        (rate, gaps) => {
          const budget = new FrameBudget(rate, 0);
          let now = 0;
          let free = 0;
          for (const gap of gaps) {
            now += gap;
            if (budget.spend(now) === 0) free++;
          }
          expect(free).toBeLessThanOrEqual(rate * 2 + (rate * now) / 1000 + 1e-9);
        },
      ),
    );
  });
});
