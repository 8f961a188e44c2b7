import { describe, expect, it } from 'vitest';
import {
  pageBytes,
  spread,
  summarizeGuestPage,
  tallyTransfers,
  transferKind,
  type TransferEntry,
} from './guest-page-stats.js';
import type { GuestPageRound } from './results.js';

const entry = (url: string, contentType: string | undefined, bytes: number): TransferEntry => ({
  url,
  contentType,
  contentEncoding: contentType?.startsWith('application/json') ? undefined : 'br',
  encodedBytes: bytes,
  decodedBytes: bytes * 3,
  headerBytes: 100,
});

describe('spread', () => {
  it('gives the median, nearest-rank p90, min and max, in any order', () => {
    expect(spread([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).toEqual({
      count: 10,
      median: 5.5,
      p90: 9,
      min: 1,
      max: 10,
    });
    expect(spread([3, 1, 2])).toEqual({ count: 3, median: 2, p90: 3, min: 1, max: 3 });
  });

  it('leaves out what was not measured, and is all NaN for nothing', () => {
    expect(spread([Number.NaN, 4, Number.POSITIVE_INFINITY])).toEqual({
      count: 1,
      median: 4,
      p90: 4,
      min: 4,
      max: 4,
    });
    const none = spread([]);
    expect(none.count).toBe(0);
    expect([none.median, none.p90, none.min, none.max].every(Number.isNaN)).toBe(true);
  });
});

describe('transferKind', () => {
  it('tells the API from the page files, by content type first', () => {
    expect(transferKind('http://h/api/invites/x/bundle', 'application/json')).toBe('api');
    expect(transferKind('http://h/j', 'text/html; charset=utf-8')).toBe('html');
    expect(transferKind('http://h/j/assets/a-1.js', 'text/javascript; charset=utf-8')).toBe('js');
    expect(transferKind('http://h/j/x', 'application/javascript')).toBe('js');
    expect(transferKind('http://h/j/assets/a.css', 'text/css')).toBe('css');
    expect(transferKind('http://h/j/favicon.svg', 'image/svg+xml')).toBe('other');
    expect(transferKind('http://h/j/assets/w.js', undefined)).toBe('js');
    expect(transferKind('http://h/j/assets/w.css', undefined)).toBe('css');
    expect(transferKind('not a url', 'text/html')).toBe('other');
  });
});

describe('tallyTransfers', () => {
  it('sums by kind, lists the files and the page files’ encodings', () => {
    const tally = tallyTransfers([
      entry('http://h/j', 'text/html', 300),
      entry('http://h/j/assets/index.js', 'text/javascript', 30_000),
      entry('http://h/j/assets/more.js', 'text/javascript', 2000),
      entry('http://h/j/assets/index.css', 'text/css', 1400),
      entry('http://h/api/invites/x/bundle', 'application/json', 2400),
    ]);
    expect(tally.byKind.js).toEqual({
      requests: 2,
      encodedBytes: 32_000,
      decodedBytes: 96_000,
      headerBytes: 200,
    });
    expect(tally.byKind.api.requests).toBe(1);
    expect(tally.byKind.other.requests).toBe(0);
    expect(tally.encodings).toEqual(['br']);
    expect(tally.files.map((f) => f.path)).toEqual([
      '/j',
      '/j/assets/index.js',
      '/j/assets/more.js',
      '/j/assets/index.css',
      '/api/invites/x/bundle',
    ]);
    expect(pageBytes(tally)).toBe(300 + 32_000 + 1400);
  });

  it('names a page file sent without compression', () => {
    const plain = { ...entry('http://h/j', 'text/html', 10), contentEncoding: undefined };
    expect(tallyTransfers([plain]).encodings).toEqual(['identity']);
  });
});

describe('summarizeGuestPage', () => {
  const round = (n: number, counter: number | undefined): GuestPageRound => ({
    round: n,
    welcomeMs: 300 + n,
    enabledMs: 400 + n,
    inPage: { navigationStartMs: 20, domContentLoadedMs: 200, loadMs: 210, welcomeMs: 250 },
    clickDispatchMs: 20,
    clickToChallengeMs: 150,
    challengeMs: 5,
    solveMs: 500,
    proofCounter: counter,
    claimMs: 15,
    joinedMs: 700 + n,
    claimToHostMs: 40,
    chatShownMs: 720 + n,
    beforeClick: tallyTransfers([entry('http://h/j/a.js', 'text/javascript', 40_000)]),
    afterClick: tallyTransfers([]),
    cpu: { serverPercent: 5, benchPercent: 10, chromiumPercent: 120, otherPercent: 3, others: [] },
    problems: [],
  });

  it('spreads every figure over the rounds, the proof per 1,000 attempts', () => {
    const summary = summarizeGuestPage([round(1, 999), round(2, 499), round(3, undefined)]);
    expect(summary.welcomeMs).toMatchObject({ count: 3, median: 302, min: 301, max: 303 });
    expect(summary.joinedMs.median).toBe(702);
    // 500 ms for 1,000 attempts and for 500: 500 and 1,000 ms per 1,000; the third is unknown.
    expect(summary.solveMsPer1000Attempts).toMatchObject({ count: 2, min: 500, max: 1000 });
    expect(summary.firstLoadBytes.median).toBe(40_000);
    expect(summary.afterClickBytes.median).toBe(0);
  });
});
