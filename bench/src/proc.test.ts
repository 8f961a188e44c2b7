import { describe, expect, it } from 'vitest';
import {
  parseMachineStat,
  parseOpenFileLimits,
  parsePortRange,
  parseProcStat,
  parseStatusKiB,
  readProcess,
} from './proc.js';

// A real line, with a command holding spaces and a parenthesis.
const STAT =
  '4242 (node (server) x) S 4200 4242 4200 34816 4242 4194304 12345 0 3 0 1500 250 7 3 20 0 11 0 98765 1234567890 40960 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0';

describe('parseProcStat', () => {
  it('reads utime, stime and threads counting from the last parenthesis', () => {
    expect(parseProcStat(STAT)).toEqual({
      comm: 'node (server) x',
      utimeTicks: 1500,
      stimeTicks: 250,
      cpuTicks: 1750,
      childrenTicks: 10,
      threads: 11,
    });
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow();
    expect(() => parseProcStat('1 (x) S 1 2')).toThrow(/field 14/);
  });

  it('parses this process’s own stat file', () => {
    const sample = readProcess('self', 0);
    expect(sample?.rssKiB).toBeGreaterThan(1000);
    expect(sample?.cpuTicks).toBeGreaterThanOrEqual(0);
  });
});

describe('parseStatusKiB', () => {
  const status =
    'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  210000 kB\nVmRSS:\t  183456 kB\nThreads:\t11\n';

  it('reads a kB field', () => {
    expect(parseStatusKiB(status, 'VmRSS')).toBe(183456);
    expect(parseStatusKiB(status, 'VmHWM')).toBe(210000);
  });

  it('is undefined for a missing field (a kernel thread has no VmRSS)', () => {
    expect(parseStatusKiB('Name:\tkthreadd\nThreads:\t1\n', 'VmRSS')).toBeUndefined();
  });
});

describe('parseMachineStat', () => {
  it('sums the busy fields of the aggregate cpu line; idle and iowait are not busy', () => {
    const text = 'cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 50 2 25 500 10 0 1 1 0 0\nintr 1\n';
    expect(parseMachineStat(text)).toEqual({
      busyTicks: 161,
      totalTicks: 1181,
      interruptTicks: 3,
      stealTicks: 3,
    });
  });

  it('accepts kernels that print fewer fields', () => {
    expect(parseMachineStat('cpu 1 2 3 4\n')).toEqual({
      busyTicks: 6,
      totalTicks: 10,
      interruptTicks: 0,
      stealTicks: 0,
    });
  });

  it('needs the aggregate line', () => {
    expect(() => parseMachineStat('cpu0 1 2 3 4\n')).toThrow();
  });
});

describe('parseOpenFileLimits', () => {
  it('reads the soft and hard limit', () => {
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max cpu time              unlimited            unlimited            seconds   ',
      'Max open files            20000                20000                files     ',
    ].join('\n');
    expect(parseOpenFileLimits(limits)).toEqual({ soft: 20000, hard: 20000 });
  });

  it('maps "unlimited" to Infinity', () => {
    expect(parseOpenFileLimits('Max open files  1024  unlimited  files')).toEqual({
      soft: 1024,
      hard: Number.POSITIVE_INFINITY,
    });
  });

  it('is undefined when the line is missing', () => {
    expect(parseOpenFileLimits('Max processes 1 1 processes')).toBeUndefined();
  });
});

describe('parsePortRange', () => {
  it('counts both ends', () => {
    expect(parsePortRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999, size: 28232 });
  });

  it('rejects nonsense', () => {
    expect(() => parsePortRange('60999 32768')).toThrow();
    expect(() => parsePortRange('')).toThrow();
  });
});
