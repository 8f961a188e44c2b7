import { describe, expect, it } from 'vitest';
import { formatTable, num } from './table.js';

describe('formatTable', () => {
  it('pads columns, right-aligns numbers and left-aligns text', () => {
    const text = formatTable(
      ['target', 'msg/s', 'p99'],
      [
        ['bare', '70,994', '7.9 ms'],
        ['knock', '5,000', '12.3 ms'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'target   msg/s      p99',
      '------  ------  -------',
      'bare    70,994   7.9 ms',
      'knock    5,000  12.3 ms',
    ]);
  });
});

describe('num', () => {
  it('formats with separators and a dash for missing values', () => {
    expect(num(12345.678)).toBe('12,346');
    expect(num(1.25, 1)).toMatch(/^1\.[23]$/);
    expect(num(Number.NaN)).toBe('-');
    expect(num(undefined)).toBe('-');
  });
});
