import { describe, expect, it } from 'vitest';
import { judgeCrypto, judgeIdle, judgeLatency, judgeThroughput } from './goals.js';

describe('judgeThroughput', () => {
  it('meets the goal at 60% of the bare relay and misses below', () => {
    expect(
      judgeThroughput({ bareDeliveredPerSecond: 1000, knockDeliveredPerSecond: 600 }).met,
    ).toBe(true);
    expect(
      judgeThroughput({ bareDeliveredPerSecond: 1000, knockDeliveredPerSecond: 599 }).met,
    ).toBe(false);
  });

  it('misses when nothing was measured', () => {
    expect(judgeThroughput({ bareDeliveredPerSecond: 0, knockDeliveredPerSecond: 0 }).met).toBe(
      false,
    );
  });
});

describe('judgeLatency', () => {
  const base = {
    rate: 5000,
    pairs: 1000,
    deliveredPerSecond: 5000,
    p99: 9,
    undelivered: 0,
    errors: 0,
  };

  it('meets the goal under the p99 limit when the rate was carried cleanly', () => {
    expect(judgeLatency(base)).toMatchObject({ met: true, comparable: true });
    expect(judgeLatency({ ...base, rate: 20000, deliveredPerSecond: 19500, p99: 49 })?.met).toBe(
      true,
    );
  });

  it('misses over the limit, when the rate was not carried, or with losses', () => {
    expect(judgeLatency({ ...base, p99: 10.5 })?.met).toBe(false);
    expect(judgeLatency({ ...base, deliveredPerSecond: 4000 })).toMatchObject({
      met: false,
      measured: expect.stringContaining('carried only 4000'),
    });
    expect(judgeLatency({ ...base, undelivered: 3 })?.met).toBe(false);
    expect(judgeLatency({ ...base, errors: 1 })?.met).toBe(false);
  });

  it('names the references beside the figure, and is judged on the figure alone', () => {
    const verdict = judgeLatency({ ...base, p99: 31.25, bareP99: 8.5, floorP99: 24.04 });
    expect(verdict).toMatchObject({ met: false, comparable: true });
    expect(verdict?.measured).toBe(
      "p99 31.3 ms (bare relay 8.5 ms, bare relay with Knock's storage beside it 24.0 ms)",
    );
    expect(judgeLatency({ ...base, floorP99: 40 })?.met).toBe(true);
  });

  it('flags runs with another pair count and ignores rates without a goal', () => {
    expect(judgeLatency({ ...base, pairs: 200 })?.comparable).toBe(false);
    expect(judgeLatency({ ...base, rate: 1234 })).toBeUndefined();
  });
});

describe('judgeIdle', () => {
  it('needs every connection open and at most 10 KiB each', () => {
    expect(judgeIdle({ requested: 10000, opened: 10000, perConnectionKiB: 9.9 }).met).toBe(true);
    expect(judgeIdle({ requested: 10000, opened: 10000, perConnectionKiB: 10.1 }).met).toBe(false);
    expect(judgeIdle({ requested: 10000, opened: 9999, perConnectionKiB: 5 }).met).toBe(false);
    expect(judgeIdle({ requested: 2000, opened: 2000, perConnectionKiB: 5 }).comparable).toBe(
      false,
    );
  });
});

describe('judgeCrypto', () => {
  const figures = (...micros: number[]) => ({
    chromiumWebCrypto: micros.map((m, i) => ({
      pattern: i === 0 ? 'ping-pong' : 'burst',
      micros: m,
    })),
    missing: undefined,
    runs: 5,
  });

  it('needs every pattern at or under 0.5 ms per message', () => {
    expect(judgeCrypto(figures(500, 200)).met).toBe(true);
    expect(judgeCrypto(figures(501, 200))).toMatchObject({
      met: false,
      measured: 'ping-pong 501 µs, burst 200 µs (median of 5 runs)',
    });
  });

  it('misses when Chromium was not measured, and flags fewer runs', () => {
    expect(judgeCrypto({ chromiumWebCrypto: [], missing: 'no Chromium', runs: 5 })).toMatchObject({
      met: false,
      measured: 'not measured: no Chromium',
    });
    expect(judgeCrypto({ ...figures(100), runs: 3 }).comparable).toBe(false);
  });
});
