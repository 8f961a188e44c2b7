import { describe, expect, it } from 'vitest';
import { median, percentile, Samples, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('picks the smallest value with at least p% at or below it', () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 99.9)).toBe(100);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 1)).toBe(1);
    expect(percentile(values, 1.5)).toBe(2);
  });

  it('handles tiny inputs', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([1, 2], 51)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects percentiles outside 0..100', () => {
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts its input numerically, not as strings', () => {
    const summary = summarize([10, 9, 100, 1, 2]);
    expect(summary).toMatchObject({ count: 5, p50: 9, max: 100 });
    expect(summary.mean).toBeCloseTo(24.4);
  });

  it('reports NaN for no samples', () => {
    const summary = summarize([]);
    expect(summary.count).toBe(0);
    expect(summary.p99).toBeNaN();
    expect(summary.max).toBeNaN();
    expect(summary.mean).toBeNaN();
  });

  it('does not reorder the caller’s array', () => {
    const input = [3, 1, 2];
    summarize(input);
    expect(input).toEqual([3, 1, 2]);
  });

  it('puts a rare slow outlier in p99.9 and max but not p99 when it is under 1%', () => {
    const values = [...Array.from({ length: 999 }, () => 1), 500];
    const summary = summarize(values);
    expect(summary.p99).toBe(1);
    expect(summary.p999).toBe(1);
    expect(summary.max).toBe(500);
  });
});

describe('median', () => {
  it('takes the middle, or the mean of the two middles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('ignores values that are not finite', () => {
    expect(median([Number.NaN, 5, Number.POSITIVE_INFINITY, 1])).toBe(3);
  });
});

describe('Samples', () => {
  it('grows past its initial capacity and keeps every value', () => {
    const samples = new Samples(2);
    for (let i = 0; i < 1000; i++) samples.push(i);
    expect(samples.length).toBe(1000);
    expect(samples.values()[999]).toBe(999);
    expect(samples.values().length).toBe(1000);
  });
});
