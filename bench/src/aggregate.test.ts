import { describe, expect, it } from 'vitest';
import { aggregate, renderAggregate } from './aggregate.js';
import type { BenchResult, PairsPhaseRecord } from './results.js';

const phase = (
  scenario: 'throughput' | 'latency',
  target: 'knock' | 'bare',
  round: number,
  delivered: number,
  other: number,
  rate?: number,
): PairsPhaseRecord =>
  ({
    scenario,
    target,
    round,
    mode: rate === undefined ? { type: 'closed', window: 32 } : { type: 'open', rate },
    deliveredPerSecond: delivered,
    usage: { otherCpuPercent: other, targetCpuPercent: 90 },
    load: {
      latency: { p50: delivered / 1000, p99: delivered / 100, max: delivered / 10 },
      errors: {},
    },
  }) as unknown as PairsPhaseRecord;

const run = (
  throughput: PairsPhaseRecord[],
  latency: PairsPhaseRecord[],
  idle: number,
): BenchResult =>
  ({ throughput, latency, idle: { perConnectionKiB: idle } }) as unknown as BenchResult;

describe('aggregate', () => {
  const results = [
    run(
      [phase('throughput', 'bare', 1, 100, 1), phase('throughput', 'knock', 1, 30, 2)],
      [phase('latency', 'knock', 1, 5000, 1, 5000)],
      9,
    ),
    run(
      // A noisy round: the bare relay lost half its throughput to other work.
      [phase('throughput', 'bare', 1, 50, 90), phase('throughput', 'knock', 1, 30, 2)],
      [phase('latency', 'knock', 1, 4000, 80, 5000)],
      10,
    ),
    run(
      [phase('throughput', 'bare', 1, 120, 3), phase('throughput', 'knock', 1, 36, 3)],
      [phase('latency', 'knock', 1, 4800, 5, 5000)],
      11,
    ),
  ];
  const a = aggregate(results, 10);

  it('takes medians over every phase and over the clean ones', () => {
    expect(a.throughput.bare).toEqual({ all: 100, clean: 110, runs: 3, cleanRuns: 2 });
    expect(a.throughput.knock).toEqual({ all: 30, clean: 30, runs: 3, cleanRuns: 3 });
  });

  it('pairs Knock with the bare relay of the same round for the ratio', () => {
    expect(a.throughput.ratio.all).toBeCloseTo(0.3);
    expect(a.throughput.ratio.clean).toBeCloseTo(0.3);
    expect(a.throughput.ratio.cleanRuns).toBe(2);
  });

  it('groups latency phases by rate and target', () => {
    expect(a.latency).toHaveLength(1);
    expect(a.latency[0]).toMatchObject({ rate: 5000, target: 'knock' });
    expect(a.latency[0]?.delivered).toEqual({ all: 4800, clean: 4900, runs: 3, cleanRuns: 2 });
    expect(a.idleKiB.all).toBe(10);
  });

  it('renders a table', () => {
    expect(renderAggregate(a)).toContain('ratio');
  });
});
