import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

const parse = (...argv: string[]) => parseOptions(argv, '/results');

describe('parseOptions', () => {
  it('defaults to the full run of every scenario', () => {
    expect(parse()).toMatchObject({
      scenarios: ['idle', 'throughput', 'latency', 'claims', 'guest-page', 'crypto'],
      quick: false,
      throughputSeconds: 10,
      latencySeconds: 15,
      warmupSeconds: 3,
      rounds: 2,
      throughputPairs: 100,
      window: 32,
      latencyPairs: 1000,
      rates: [5000, 20000],
      bareLatency: true,
      idleConnections: 10000,
      ackDelayMs: 25,
      cpuProfile: false,
      serverNodeFlags: [],
      resultsDir: '/results',
      waitQuietSeconds: 0,
      cryptoRuns: 5,
      claimCount: 500,
      claimConcurrency: 16,
      claimPairs: 1000,
      claimMessageRate: 2000,
      claimSeconds: 5,
      guestRounds: 10,
    });
  });

  it('shrinks everything with --quick', () => {
    expect(parse('--quick')).toMatchObject({
      quick: true,
      throughputSeconds: 3,
      latencySeconds: 3,
      rounds: 1,
      latencyPairs: 200,
      idleConnections: 2000,
      cryptoRuns: 3,
      claimCount: 12,
      claimPairs: 20,
      claimMessageRate: 400,
      claimSeconds: 1.5,
      guestRounds: 3,
    });
  });

  it('passes Node flags to the server with --server-node-flags', () => {
    expect(
      parse('--server-node-flags', ' --max-semi-space-size=64  --max-old-space-size=2048')
        ?.serverNodeFlags,
    ).toEqual(['--max-semi-space-size=64', '--max-old-space-size=2048']);
  });

  it('selects scenarios with --only, in the canonical order', () => {
    expect(parse('--only', 'latency,idle')?.scenarios).toEqual(['idle', 'latency']);
    expect(parse('--only', 'crypto')?.scenarios).toEqual(['crypto']);
    expect(parse('--only', 'crypto,claims')?.scenarios).toEqual(['claims', 'crypto']);
    expect(parse('--only', 'crypto,guest-page')?.scenarios).toEqual(['guest-page', 'crypto']);
    expect(parse('--only', 'guest-page', '--guest-rounds', '4')).toMatchObject({
      scenarios: ['guest-page'],
      guestRounds: 4,
    });
    expect(() => parse('--only', 'speed')).toThrow(/unknown scenario/);
    expect(() => parse('--only', ',')).toThrow(/no scenario/);
  });

  it('lets --duration set both measured windows and parses lists and numbers', () => {
    const options = parse(
      '--duration',
      '7',
      '--rates',
      '1000, 2500',
      '--pairs',
      '50',
      '--no-bare-latency',
    );
    expect(options).toMatchObject({
      throughputSeconds: 7,
      latencySeconds: 7,
      claimSeconds: 7,
      rates: [1000, 2500],
      latencyPairs: 50,
      bareLatency: false,
    });
  });

  it('rejects bad values and unknown flags', () => {
    expect(() => parse('--pairs', '0')).toThrow(/positive integer/);
    expect(() => parse('--window', '2.5')).toThrow(/positive integer/);
    expect(() => parse('--rates', '5000,fast')).toThrow(/--rates/);
    expect(() => parse('--duration', '0')).toThrow(/--duration/);
    expect(() => parse('--fast')).toThrow();
  });

  it('returns undefined for --help', () => {
    expect(parse('--help')).toBeUndefined();
  });
});
