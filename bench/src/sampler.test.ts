import { describe, expect, it } from 'vitest';
import { usageBetween, type UsageSample } from './sampler.js';

const sample = (
  at: number,
  targetTicks: number,
  loaderTicks: number,
  rssKiB: number,
  busy: number,
  total: number,
): UsageSample => ({
  at,
  target: { at, cpuTicks: targetTicks, rssKiB },
  loader: { at, cpuTicks: loaderTicks, rssKiB: 1 },
  machine: { busyTicks: busy, totalTicks: total, interruptTicks: busy / 10, stealTicks: 0 },
});

describe('usageBetween', () => {
  it('turns tick deltas into percent of one core and finds the RSS peak in the window', () => {
    const first = sample(0, 100, 50, 1000, 0, 0);
    const middle = sample(1000, 150, 70, 5000, 0, 0);
    const outside = sample(5000, 0, 0, 99999, 0, 0);
    // 2 s, 2 cores at 100 ticks/s: 400 machine ticks, 300 of them busy.
    const last = sample(2000, 250, 90, 3000, 300, 400);
    const usage = usageBetween(first, last, [first, middle, outside, last], 100, 2);
    expect(usage.wallSeconds).toBe(2);
    expect(usage.targetCpuPercent).toBe(75); // 150 ticks = 1.5 s over 2 s
    expect(usage.loaderCpuPercent).toBe(20);
    expect(usage.machineBusyPercent).toBe(75);
    expect(usage.otherCpuPercent).toBe(55); // 150% busy of one core, minus 75 and 20
    expect(usage.interruptCpuPercent).toBe(15); // 30 of 400 ticks, of two cores
    expect(usage.stealCpuPercent).toBe(0);
    expect(usage.targetRssStartKiB).toBe(1000);
    expect(usage.targetRssEndKiB).toBe(3000);
    expect(usage.targetRssMaxKiB).toBe(5000);
  });

  it('reports zero CPU for a process that vanished', () => {
    const first: UsageSample = {
      at: 0,
      target: undefined,
      loader: undefined,
      machine: { busyTicks: 0, totalTicks: 0, interruptTicks: 0, stealTicks: 0 },
    };
    const last: UsageSample = { ...first, at: 1000 };
    expect(usageBetween(first, last, [], 100, 2)).toMatchObject({
      targetCpuPercent: 0,
      machineBusyPercent: 0,
    });
  });
});
