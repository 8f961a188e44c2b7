import { renderClaims } from './claims-report.js';
import { renderCrypto } from './crypto-report.js';
import { renderGuestPage } from './guest-page-report.js';
import type { BenchResult, PairsPhaseRecord } from './results.js';
import { formatTable, num } from './table.js';

/** The human-readable report printed at the end of a run. */
export function renderReport(result: BenchResult): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; ` +
      `open files ${m.openFilesSoft ?? '?'}, ephemeral ports ${m.ephemeralPorts ?? '?'}; ` +
      `fdatasync p50 ${num(m.fsyncMs.p50, 3)} ms, p99 ${num(m.fsyncMs.p99, 3)} ms; ` +
      `busy before the run ${num(m.backgroundCpuPercent)}% of a core.`,
    'Load generator and server share the cores. CPU columns are % of one core (200% = both); ' +
      '"other" is everything else on the machine during the measured window.',
  );
  const rev = result.revision;
  const build = result.options.serverMain
    ? `Server: ${result.options.serverMain} (repository at commit `
    : 'Server: commit ';
  out.push(
    `${build}${rev.commit?.slice(0, 12) ?? 'unknown'}${result.options.serverMain ? ')' : ''}` +
      (rev.changedServerFiles.length > 0
        ? ` plus ${rev.changedServerFiles.length} uncommitted change(s) in apps/server, packages/protocol`
        : '') +
      (result.options.serverNodeFlags.length > 0
        ? `; Node flags ${result.options.serverNodeFlags.join(' ')}`
        : ''),
  );
  if (result.setupSeconds > 0) {
    out.push(`Setup (users, tokens, chats through the HTTP API): ${num(result.setupSeconds, 1)} s`);
  }

  if (result.throughput.length > 0) {
    const o = result.options;
    out.push(
      '',
      `Throughput: closed loop, ${o.throughputPairs} pairs, window ${o.window} unacked sends per sender, ` +
        `${o.throughputSeconds} s measured after ${o.warmupSeconds} s warm-up`,
      formatTable(
        [
          'round',
          'target',
          'delivered/s',
          'acked/s',
          'deliv p50',
          'deliv p99',
          'ack p99',
          ...usageHeaders,
          'errors',
        ],
        result.throughput.map((r) => [
          String(r.round),
          r.target,
          num(r.deliveredPerSecond),
          num(r.ackedPerSecond),
          `${num(r.load.latency.p50, 1)} ms`,
          `${num(r.load.latency.p99, 1)} ms`,
          `${num(r.load.ackLatency.p99, 1)} ms`,
          ...usageCells(r),
          errorCell(r),
        ]),
      ),
    );
    out.push(...otherNotes(result.throughput), ...commitNotes(result.throughput));
    const s = result.throughputSummary;
    if (s) {
      out.push(
        `Median delivered/s: Knock ${num(s.knockDeliveredPerSecond)}, bare relay ${num(s.bareDeliveredPerSecond)} ` +
          `→ ratio ${num(s.ratio * 100, 1)}% (per round: ${s.roundRatios.map((x) => `${num(x * 100, 1)}%`).join(', ')})`,
      );
    }
  }

  if (result.latency.length > 0) {
    const o = result.options;
    out.push(
      '',
      `Latency: open loop, fixed aggregate rate over ${o.latencyPairs} pairs, ${o.latencySeconds} s measured ` +
        `after ${o.warmupSeconds} s warm-up (sender ws.send → recipient's message handler; ` +
        `both sides ack at most every ${o.ackDelayMs} ms like the SDK; "late" = sent in the window, ` +
        `not delivered 5 s after sending stopped, so left out of the percentiles)`,
      formatTable(
        [
          'rate',
          'target',
          'sent/s',
          'delivered/s',
          'p50',
          'p90',
          'p99',
          'p99.9',
          'max',
          'lag p99',
          ...usageHeaders,
          'late',
          'errors',
        ],
        result.latency.map((r) => [
          num(r.mode.type === 'open' ? r.mode.rate : Number.NaN),
          r.target,
          num(r.sentPerSecond),
          num(r.deliveredPerSecond),
          `${num(r.load.latency.p50, 1)} ms`,
          `${num(r.load.latency.p90, 1)} ms`,
          `${num(r.load.latency.p99, 1)} ms`,
          `${num(r.load.latency.p999, 1)} ms`,
          `${num(r.load.latency.max, 1)} ms`,
          `${num(r.load.scheduleLag?.p99, 1)} ms`,
          ...usageCells(r),
          num(r.load.undelivered),
          errorCell(r),
        ]),
      ),
    );
  }

  out.push(
    ...otherNotes(result.latency),
    ...commitNotes(result.latency),
    ...storageNotes(result.latency),
  );

  const idle = result.idle;
  if (idle) {
    out.push(
      '',
      'Idle connections (authenticated, answering pings only)',
      formatTable(
        [
          'asked',
          'open',
          'failed',
          'connect',
          'frames in',
          'RSS before',
          'RSS after',
          'per connection',
          'server CPU',
        ],
        [
          [
            num(idle.requested),
            num(idle.opened),
            num(idle.failed),
            `${num(idle.connectSeconds, 1)} s`,
            num(idle.framesAfterReady),
            `${num(idle.baselineRssKiB / 1024, 1)} MiB`,
            `${num(idle.loadedRssKiB / 1024, 1)} MiB`,
            `${num(idle.perConnectionKiB, 2)} KiB`,
            `${num(idle.serverCpuPercentWhileIdle, 1)}%`,
          ],
        ],
      ),
    );
    if (idle.cappedFrom !== undefined) {
      out.push(`(asked for ${idle.cappedFrom}; capped by the open-file limit)`);
    }
    if (idle.firstError) out.push(`first connection error: ${idle.firstError}`);
  }

  if (result.claims) out.push(...renderClaims(result.claims, result.options));
  if (result.guestPage) out.push(...renderGuestPage(result.guestPage));
  if (result.crypto) out.push(...renderCrypto(result.crypto));

  for (const record of [...result.throughput, ...result.latency]) {
    if (record.profile) out.push('', ...renderProfile(record));
  }

  if (result.verdicts.length > 0) {
    out.push(
      '',
      'Targets',
      formatTable(
        ['', 'target', 'measured'],
        result.verdicts.map((v) => [
          v.met ? 'MET' : 'MISSED',
          v.goal + (v.comparable ? '' : ' (not comparable: other sizes)'),
          v.measured,
        ]),
      ),
    );
  }
  return out.join('\n');
}

function renderProfile(record: PairsPhaseRecord): string[] {
  const p = record.profile;
  if (!p) return [];
  const rate = record.mode.type === 'open' ? ` at ${num(record.mode.rate)} msg/s` : '';
  return [
    `Knock server CPU profile, ${record.scenario}${rate}: ${num(p.busyMs)} ms busy of ${num(p.sampledMs)} ms sampled (${p.file})`,
    formatTable(
      ['self', 'total', 'function', 'where'],
      p.bySelf.map((f) => [
        `${num(f.selfPercent, 1)}%`,
        `${num(f.totalPercent, 1)}%`,
        f.name,
        f.where,
      ]),
    ),
    '',
    formatTable(
      ['self', 'package / origin'],
      p.byPackage.slice(0, 10).map((x) => [`${num(x.selfPercent, 1)}%`, x.where]),
    ),
    '',
    'Largest inclusive (total) times:',
    formatTable(
      ['total', 'function', 'where'],
      p.byTotal.map((f) => [`${num(f.totalPercent, 1)}%`, f.name, f.where]),
    ),
  ];
}

/** Knock's group commits in each measured window (knock_write_batch_seconds and _writes). */
function commitNotes(records: readonly PairsPhaseRecord[]): string[] {
  return records.flatMap((r) => {
    const b = r.writeBatches;
    if (!b) return [];
    const at = phaseLabel(r);
    return [
      `  Knock's commits at ${at}: ${num(b.batches)} batches, ${num(b.writesPerBatch, 1)} writes each, ` +
        `mean ${num(b.meanMs, 2)} ms, p50 ≤ ${num(b.p50AtMostMs, 1)} ms, p99 ≤ ${num(b.p99AtMostMs, 1)} ms`,
    ];
  });
}

/** What the storage load beside the bare relay did in `bare+db` phases (storage-beside.ts). */
function storageNotes(records: readonly PairsPhaseRecord[]): string[] {
  return records.flatMap((r) => {
    const s = r.storageBeside;
    if (!s) return [];
    const at = phaseLabel(r);
    return [
      `  bare+db at ${at}: the bare relay, with Knock's write path beside it (write queue, writer ` +
        `and checkpointer threads, SQLite synchronous=FULL) committing ${num(s.sendsPerSecond)} ` +
        `sends/s and ${num(s.cursorWritesPerSecond)} cursor writes/s over as many chats, tied to no ` +
        `frame: ${num(s.commits.count)} commits, p50 ${num(s.commits.p50, 1)} ms, p99 ` +
        `${num(s.commits.p99, 1)} ms, ${num(s.cpuPercent)}% of a core (not in other CPU)` +
        (s.refused > 0 ? `, ${num(s.refused)} writes refused` : ''),
    ];
  });
}

/** "5,000 msg/s" for a latency phase, "round 2" for a throughput one. */
function phaseLabel(r: PairsPhaseRecord): string {
  return r.mode.type === 'open' ? `${num(r.mode.rate)} msg/s` : `round ${r.round}`;
}

/** Who else used the CPU in phases where that was noticeable. */
function otherNotes(records: readonly PairsPhaseRecord[]): string[] {
  return records
    .filter((r) => r.usage.otherCpuPercent >= 20 && (r.usage.topOthers?.length ?? 0) > 0)
    .map((r) => {
      const rate = `${phaseLabel(r)} `;
      const who = (r.usage.topOthers ?? [])
        .map((o) => `${o.command} ${num(o.cpuPercent)}%`)
        .join('; ');
      return `  other CPU in ${rate}${r.target}: ${who}`;
    });
}

const usageHeaders = ['server CPU', 'loader CPU', 'other CPU', 'server RSS'];

function usageCells(r: PairsPhaseRecord): string[] {
  return [
    `${num(r.usage.targetCpuPercent)}%`,
    `${num(r.usage.loaderCpuPercent)}%`,
    `${num(r.usage.otherCpuPercent)}%`,
    `${num(r.usage.targetRssMaxKiB / 1024)} MiB`,
  ];
}

function errorCell(r: PairsPhaseRecord): string {
  const entries = Object.entries(r.load.errors);
  return entries.length === 0 ? '0' : entries.map(([code, n]) => `${code}:${n}`).join(' ');
}
