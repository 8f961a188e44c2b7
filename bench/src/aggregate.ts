/**
 * Medians over several runs: `node bench/dist/aggregate.js bench/results/<a>.json <b>.json …`.
 * A shared machine makes some phases noisy, so each figure is given twice: the median over every
 * phase, and the median over the "clean" phases only (where other processes used less than
 * `--clean` percent of a core, 10 by default).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BenchResult, PairsPhaseRecord } from './results.js';
import { median } from './stats.js';
import { formatTable, num } from './table.js';

export interface Figure {
  all: number;
  clean: number;
  runs: number;
  cleanRuns: number;
}

export interface Aggregate {
  throughput: {
    knock: Figure;
    bare: Figure;
    /** Knock ÷ bare per round; "clean" counts rounds where both phases were clean. */
    ratio: Figure;
  };
  latency: {
    rate: number;
    target: string;
    delivered: Figure;
    p50: Figure;
    p99: Figure;
    max: Figure;
    serverCpu: Figure;
    errors: Figure;
  }[];
  idleKiB: Figure;
}

function figure(values: readonly number[], clean: readonly boolean[]): Figure {
  const kept = values.filter((_, i) => clean[i]);
  return { all: median(values), clean: median(kept), runs: values.length, cleanRuns: kept.length };
}

function of(
  records: readonly PairsPhaseRecord[],
  limit: number,
  pick: (r: PairsPhaseRecord) => number,
): Figure {
  return figure(
    records.map(pick),
    records.map((r) => r.usage.otherCpuPercent < limit),
  );
}

/** Medians over the runs' phases (pure). */
export function aggregate(results: readonly BenchResult[], cleanLimit = 10): Aggregate {
  const throughput = results.flatMap((r) => r.throughput);
  const knock = throughput.filter((r) => r.target === 'knock');
  const bare = throughput.filter((r) => r.target === 'bare');
  const ratios: number[] = [];
  const ratioClean: boolean[] = [];
  for (const result of results) {
    const rounds = new Set(result.throughput.map((r) => r.round));
    for (const round of rounds) {
      const k = result.throughput.find((r) => r.round === round && r.target === 'knock');
      const b = result.throughput.find((r) => r.round === round && r.target === 'bare');
      if (!k || !b) continue;
      ratios.push(k.deliveredPerSecond / b.deliveredPerSecond);
      ratioClean.push(k.usage.otherCpuPercent < cleanLimit && b.usage.otherCpuPercent < cleanLimit);
    }
  }
  const latencyRecords = results.flatMap((r) => r.latency);
  const keys = [
    ...new Set(
      latencyRecords.map((r) => `${r.mode.type === 'open' ? r.mode.rate : 0}|${r.target}`),
    ),
  ];
  return {
    throughput: {
      knock: of(knock, cleanLimit, (r) => r.deliveredPerSecond),
      bare: of(bare, cleanLimit, (r) => r.deliveredPerSecond),
      ratio: figure(ratios, ratioClean),
    },
    latency: keys.map((key) => {
      const [rate = '0', target = ''] = key.split('|');
      const records = latencyRecords.filter(
        (r) => r.target === target && r.mode.type === 'open' && r.mode.rate === Number(rate),
      );
      return {
        rate: Number(rate),
        target,
        delivered: of(records, cleanLimit, (r) => r.deliveredPerSecond),
        p50: of(records, cleanLimit, (r) => r.load.latency.p50),
        p99: of(records, cleanLimit, (r) => r.load.latency.p99),
        max: of(records, cleanLimit, (r) => r.load.latency.max),
        serverCpu: of(records, cleanLimit, (r) => r.usage.targetCpuPercent),
        errors: of(records, cleanLimit, (r) =>
          Object.values(r.load.errors).reduce((a, b) => a + b, 0),
        ),
      };
    }),
    idleKiB: figure(
      results.flatMap((r) => (r.idle ? [r.idle.perConnectionKiB] : [])),
      results.flatMap((r) => (r.idle ? [true] : [])),
    ),
  };
}

export function renderAggregate(a: Aggregate): string {
  const cell = (f: Figure, digits: number, unit = '') =>
    `${num(f.all, digits)}${unit} (${f.runs}) | ${num(f.clean, digits)}${unit} (${f.cleanRuns})`;
  const rows: string[][] = [
    ['throughput', 'knock', 'delivered/s', cell(a.throughput.knock, 0)],
    ['throughput', 'bare', 'delivered/s', cell(a.throughput.bare, 0)],
    [
      'throughput',
      'knock/bare',
      'ratio',
      cell(
        {
          ...a.throughput.ratio,
          all: a.throughput.ratio.all * 100,
          clean: a.throughput.ratio.clean * 100,
        },
        1,
        '%',
      ),
    ],
  ];
  for (const l of a.latency) {
    const label = `latency ${num(l.rate)}`;
    rows.push(
      [label, l.target, 'delivered/s', cell(l.delivered, 0)],
      [label, l.target, 'p50', cell(l.p50, 1, ' ms')],
      [label, l.target, 'p99', cell(l.p99, 1, ' ms')],
      [label, l.target, 'max', cell(l.max, 1, ' ms')],
      [label, l.target, 'server CPU', cell(l.serverCpu, 0, '%')],
      [label, l.target, 'errors', cell(l.errors, 0)],
    );
  }
  rows.push(['idle', 'knock', 'KiB per connection', cell(a.idleKiB, 2)]);
  return formatTable(['scenario', 'target', 'figure', 'median all (n) | median clean (n)'], rows);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { clean: { type: 'string', default: '10' } },
  });
  if (positionals.length === 0) {
    console.error('usage: node bench/dist/aggregate.js [--clean <% of a core>] <result.json>…');
    process.exit(2);
  }
  const results = positionals.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResult);
  console.log(renderAggregate(aggregate(results, Number(values.clean))));
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) main();
