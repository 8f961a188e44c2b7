import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatDuration,
  formatExpiresIn,
  formatTable,
  indentContinuation,
  sanitize,
} from './format.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatting', () => {
  it('shows durations with their two largest units', () => {
    expect(formatDuration(30_000)).toBe('<1m');
    expect(formatDuration(12 * MINUTE + 59_000)).toBe('12m');
    expect(formatDuration(3 * HOUR)).toBe('3h');
    expect(formatDuration(3 * HOUR + 5 * MINUTE)).toBe('3h 5m');
    expect(formatDuration(6 * DAY + 23 * HOUR + 59 * MINUTE)).toBe('6d 23h');
    expect(formatDuration(2 * DAY + 30 * MINUTE)).toBe('2d');
  });

  it('says how long ago and how long until expiry', () => {
    const now = 10 * DAY;
    expect(formatAgo(now - 10_000, now)).toBe('just now');
    expect(formatAgo(now + 10_000, now)).toBe('just now');
    expect(formatAgo(now - 5 * MINUTE, now)).toBe('5m ago');
    expect(formatExpiresIn(now - 1, now)).toBe('expired');
    expect(formatExpiresIn(now + 9 * DAY + 23 * HOUR + 1_000, now)).toBe('9d 23h');
  });

  it('aligns tables by character, not by UTF-16 unit', () => {
    expect(
      formatTable(
        ['A', 'BB', 'C'],
        [
          ['ä😀', 'x', 'last'],
          ['long', 'yy', ''],
        ],
      ),
    ).toBe(['A     BB  C', 'ä😀    x   last', 'long  yy'].join('\n'));
  });

  it('neutralises terminal control characters but keeps text and newlines', () => {
    expect(sanitize('hi\u001b]0;pwned\u0007 there\n\tok \u202eevil')).toBe(
      'hi\\x1b]0;pwned\\x07 there\n\tok \\u{202e}evil',
    );
    expect(indentContinuation('a\nb\r\nc', 3)).toBe('a\n   b\n   c');
  });
});
