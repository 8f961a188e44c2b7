import { parseArgs } from 'node:util';

export type ScenarioName = 'throughput' | 'latency' | 'idle' | 'claims' | 'guest-page' | 'crypto';
/**
 * In the order they run: idle first, on a database with no history to replay; crypto (no server,
 * Node and Chromium) last.
 */
export const SCENARIOS: readonly ScenarioName[] = [
  'idle',
  'throughput',
  'latency',
  'claims',
  'guest-page',
  'crypto',
];

export interface BenchOptions {
  scenarios: ScenarioName[];
  quick: boolean;
  /** Measured seconds of each throughput phase. */
  throughputSeconds: number;
  /** Measured seconds of each latency phase. */
  latencySeconds: number;
  warmupSeconds: number;
  /** Throughput rounds; each runs the bare relay and Knock once, in alternating order. */
  rounds: number;
  throughputPairs: number;
  window: number;
  latencyPairs: number;
  rates: number[];
  /** Run the bare relay at the latency rates too, as a reference for the load generator. */
  bareLatency: boolean;
  idleConnections: number;
  payloadBytes: number;
  ackDelayMs: number;
  cpuProfile: boolean;
  resultsDir: string;
  keepDatabase: boolean;
  /** The server entry point to run; undefined for apps/server/dist/main.js. */
  serverMain: string | undefined;
  /** Node flags for the server's process (e.g. V8 heap sizes); none by default. */
  serverNodeFlags: string[];
  /** Before each phase, wait up to this many seconds for the machine to be quiet (0: don't). */
  waitQuietSeconds: number;
  /** Measured runs of each end-to-end encryption case; the report gives their median. */
  cryptoRuns: number;
  /** Guest claims timed per round of the claims scenario (each needs a proof solved first). */
  claimCount: number;
  /** Claims in flight at once (claims phase and storm). */
  claimConcurrency: number;
  /** Pairs of the messaging load the claims scenario runs with and without a claim storm. */
  claimPairs: number;
  /** Its aggregate send rate, msg/s. */
  claimMessageRate: number;
  /** Measured seconds of each messaging phase of the claims scenario (the storm lasts as long). */
  claimSeconds: number;
  /** Measured rounds of the guest-page scenario (each a fresh link and browser context). */
  guestRounds: number;
}

export const USAGE = `Usage: node bench/dist/main.js [options]

  --only <list>            scenarios to run: idle,throughput,latency,claims,guest-page,crypto
                           (default: all, in that order)
  --quick                  small sizes and short phases: finishes in under two minutes
  --duration <s>           measured seconds of each throughput, latency and claims messaging
                           phase (default 10, 15 and 5; quick 3, 3 and 1.5)
  --warmup <s>             seconds of load before measuring (default 3; quick 1)
  --rounds <n>             throughput rounds, bare relay + Knock each, and claims rounds
                           (default 2; quick 1)
  --throughput-pairs <n>   pairs in the throughput scenario (default 100; quick 50)
  --window <n>             unacked sends per sender in the throughput scenario (default 32)
  --pairs <n>              pairs in the latency scenario (default 1000; quick 200)
  --rates <list>           aggregate send rates of the latency scenario (default 5000,20000)
  --no-bare-latency        skip the references at the latency rates: the bare relay, and the
                           bare relay with Knock's storage load beside it (bare+db)
  --idle <n>               idle connections (default 10000; quick 2000)
  --payload <bytes>        ciphertext bytes per message (default 160)
  --ack-delay <ms>         ack coalescing, as the SDK's AckScheduler (default 25)
  --crypto-runs <n>        measured runs of each encryption cost case (default 5; quick 3)
  --claims <n>             guest claims timed per claims round, each with a proof of work solved
                           beforehand at production difficulty (default 500; quick 12)
  --claim-concurrency <n>  claims in flight at once (default 16)
  --claim-pairs <n>        pairs of the messaging load under a claim storm (default 1000; quick 20)
  --claim-rate <msg/s>     its aggregate send rate (default 2000; quick 400)
  --guest-rounds <n>       guest-page rounds in Chromium, each a fresh link and browser context
                           (default 10; quick 3; one warm-up round more)
  --cpu-prof               profile the Knock server (node --cpu-prof) in the first throughput
                           round and print its hottest functions
  --results <dir>          where the JSON result goes (default bench/results)
  --keep-db                keep the SQLite file of the run
  --server <main.js>       run another build of the server (default apps/server/dist/main.js)
  --server-node-flags=<f>  Node flags for the server's process, space-separated, given with
                           "=" (e.g. --server-node-flags=--max-semi-space-size=64; default none)
  --wait-quiet <s>         on a shared machine, wait up to s seconds before each phase for the
                           other CPU load to stop (default 0: don't wait)
  --help                   this text
`;

/** Parses the command line; `undefined` means "print the usage". Throws on bad values. */
export function parseOptions(
  argv: readonly string[],
  defaultResultsDir: string,
): BenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'throughput-pairs': { type: 'string' },
      window: { type: 'string' },
      pairs: { type: 'string' },
      rates: { type: 'string' },
      'no-bare-latency': { type: 'boolean', default: false },
      idle: { type: 'string' },
      payload: { type: 'string' },
      'ack-delay': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      results: { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
      server: { type: 'string' },
      'server-node-flags': { type: 'string' },
      'wait-quiet': { type: 'string' },
      'crypto-runs': { type: 'string' },
      claims: { type: 'string' },
      'claim-concurrency': { type: 'string' },
      'claim-pairs': { type: 'string' },
      'claim-rate': { type: 'string' },
      'guest-rounds': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick === true;
  const duration = optionalNumber(values.duration, '--duration', 0.5);
  return {
    scenarios: parseScenarios(values.only),
    quick,
    throughputSeconds: duration ?? (quick ? 3 : 10),
    latencySeconds: duration ?? (quick ? 3 : 15),
    warmupSeconds: optionalNumber(values.warmup, '--warmup', 0) ?? (quick ? 1 : 3),
    rounds: integer(values.rounds, '--rounds', quick ? 1 : 2),
    throughputPairs: integer(values['throughput-pairs'], '--throughput-pairs', quick ? 50 : 100),
    window: integer(values.window, '--window', 32),
    latencyPairs: integer(values.pairs, '--pairs', quick ? 200 : 1000),
    rates: parseRates(values.rates),
    bareLatency: values['no-bare-latency'] !== true,
    idleConnections: integer(values.idle, '--idle', quick ? 2000 : 10_000),
    payloadBytes: integer(values.payload, '--payload', 160),
    ackDelayMs: integer(values['ack-delay'], '--ack-delay', 25),
    cpuProfile: values['cpu-prof'] === true,
    resultsDir: values.results ?? defaultResultsDir,
    keepDatabase: values['keep-db'] === true,
    serverMain: values.server,
    serverNodeFlags: (values['server-node-flags'] ?? '').split(' ').filter((f) => f !== ''),
    waitQuietSeconds: optionalNumber(values['wait-quiet'], '--wait-quiet', 0) ?? 0,
    cryptoRuns: integer(values['crypto-runs'], '--crypto-runs', quick ? 3 : 5),
    claimCount: integer(values.claims, '--claims', quick ? 12 : 500),
    claimConcurrency: integer(values['claim-concurrency'], '--claim-concurrency', 16),
    claimPairs: integer(values['claim-pairs'], '--claim-pairs', quick ? 20 : 1000),
    claimMessageRate: integer(values['claim-rate'], '--claim-rate', quick ? 400 : 2000),
    claimSeconds: duration ?? (quick ? 1.5 : 5),
    guestRounds: integer(values['guest-rounds'], '--guest-rounds', quick ? 3 : 10),
  };
}

function parseScenarios(raw: string | undefined): ScenarioName[] {
  if (raw === undefined) return [...SCENARIOS];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown scenario "${name}" (expected ${SCENARIOS.join(', ')})`);
    }
  }
  if (names.length === 0) throw new Error('--only: no scenario named');
  return SCENARIOS.filter((s) => names.includes(s));
}

function parseRates(raw: string | undefined): number[] {
  if (raw === undefined) return [5000, 20_000];
  const rates = raw.split(',').map((s) => Number(s.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0)) {
    throw new Error(`--rates: expected positive numbers, got "${raw}"`);
  }
  return rates;
}

function optionalNumber(raw: string | undefined, name: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name}: expected a number ≥ ${min}, got "${raw}"`);
  return value;
}

function integer(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name}: expected a positive integer, got "${raw}"`);
  return value;
}
