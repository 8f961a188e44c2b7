/**
 * `npm run bench`: drives the real Knock server (SQLite, synchronous=FULL) through the real
 * protocol and, with the same load generator in the same run, a bare `ws` relay that stores
 * nothing. See docs/performance.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runClaimsScenario } from './claims-scenario.js';
import { cryptoFigures, runCrypto } from './crypto-scenario.js';
import { createKnockPairs } from './fixtures.js';
import { runGuestPage } from './guest-page-scenario.js';
import { judgeCrypto, judgeIdle, judgeLatency, judgeThroughput, type Verdict } from './goals.js';
import type { PairSpec } from './jobs.js';
import { describeMachine } from './machine.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { renderReport } from './report.js';
import { serverRevision } from './revision.js';
import type { BenchResult, PairsPhaseRecord, PhaseTarget } from './results.js';
import { runIdle, runLatency, runThroughput, type ScenarioContext } from './scenarios.js';
import { startKnock } from './targets.js';

const DEFAULT_RESULTS = fileURLToPath(new URL('../results', import.meta.url));

async function main(): Promise<void> {
  let options: BenchOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2), DEFAULT_RESULTS);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (!options) {
    console.log(USAGE);
    return;
  }
  const started = new Date();
  const startedAt = performance.now();
  const log = (line: string) =>
    console.log(`[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${line}`);

  mkdirSync(options.resultsDir, { recursive: true });
  // The database lives on the results disk, not in /tmp: tmpfs would make fsync free.
  const workDir = mkdtempSync(join(options.resultsDir, '.run-'));
  const databaseFile = join(workDir, 'knock.db');
  const profileDir = options.cpuProfile
    ? join(options.resultsDir, `profile-${stamp(started)}`)
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  try {
    const machine = await describeMachine(workDir);
    if (machine.backgroundCpuPercent > 20) {
      log(
        `warning: the machine was already ${machine.backgroundCpuPercent.toFixed(0)}% busy (of one core) before the run; figures will be noisy`,
      );
    }
    const { idleCount, cappedFrom } = options.scenarios.includes('idle')
      ? idleBudget(options, machine.openFilesSoft)
      : { idleCount: 0, cappedFrom: undefined };
    const localAddresses = sourceAddresses(idleCount, machine.ephemeralPorts);

    const wanted = Math.max(
      options.scenarios.includes('throughput') ? options.throughputPairs : 0,
      options.scenarios.includes('latency') ? options.latencyPairs : 0,
      options.scenarios.includes('claims') ? options.claimPairs : 0,
      options.scenarios.includes('idle') ? Math.min(1000, Math.ceil(idleCount / 10)) : 0,
    );
    // Only the server scenarios need users and chats (the crypto scenario runs no server; the
    // claims and guest-page scenarios make their hosts and links themselves).
    let knockPairs: PairSpec[] = [];
    let setupSeconds = 0;
    if (wanted > 0) {
      log(`setup: registering ${wanted * 2} users and ${wanted} chats`);
      const setupStarted = performance.now();
      const setupServer = await startKnock({ databaseFile, serverMain: options.serverMain });
      try {
        knockPairs = await createKnockPairs(setupServer.httpUrl, wanted);
      } finally {
        await setupServer.stop();
      }
      setupSeconds = (performance.now() - setupStarted) / 1000;
      log(`setup: done in ${setupSeconds.toFixed(1)} s`);
    }

    const ctx: ScenarioContext = {
      options,
      databaseFile,
      knockPairs,
      localAddresses,
      profileDir,
      log,
    };
    const verdicts: Verdict[] = [];
    const result: BenchResult = {
      startedAt: started.toISOString(),
      finishedAt: '',
      wallSeconds: 0,
      options,
      machine,
      revision: serverRevision(),
      setupSeconds,
      throughput: [],
      throughputSummary: undefined,
      latency: [],
      idle: undefined,
      crypto: undefined,
      claims: undefined,
      guestPage: undefined,
      verdicts,
    };

    // Idle first: later scenarios leave messages behind whose replay would make clients busy.
    if (options.scenarios.includes('idle')) {
      result.idle = await runIdle(ctx, idleCount, cappedFrom);
      verdicts.push(
        judgeIdle({
          requested: result.idle.cappedFrom ?? result.idle.requested,
          opened: result.idle.opened,
          perConnectionKiB: result.idle.perConnectionKiB,
        }),
      );
    }

    if (options.scenarios.includes('throughput')) {
      const throughput = await runThroughput(ctx);
      result.throughput = throughput.records;
      result.throughputSummary = throughput.summary;
      verdicts.push(
        judgeThroughput({
          bareDeliveredPerSecond: throughput.summary.bareDeliveredPerSecond,
          knockDeliveredPerSecond: throughput.summary.knockDeliveredPerSecond,
        }),
      );
    }
    if (options.scenarios.includes('latency')) {
      result.latency = await runLatency(ctx);
      const rateOf = (r: PairsPhaseRecord) => (r.mode.type === 'open' ? r.mode.rate : 0);
      const p99Of = (rate: number, target: PhaseTarget) =>
        result.latency.find((r) => r.target === target && rateOf(r) === rate)?.load.latency.p99;
      for (const record of result.latency.filter((r) => r.target === 'knock')) {
        const verdict = judgeLatency({
          rate: rateOf(record),
          pairs: record.pairs,
          deliveredPerSecond: record.deliveredPerSecond,
          p99: record.load.latency.p99,
          undelivered: record.load.undelivered,
          errors: Object.values(record.load.errors).reduce((a, b) => a + b, 0),
          bareP99: p99Of(rateOf(record), 'bare'),
          floorP99: p99Of(rateOf(record), 'bare+db'),
        });
        if (verdict) verdicts.push(verdict);
      }
    }
    // Figures only: the issue sets no target for claims.
    if (options.scenarios.includes('claims')) result.claims = await runClaimsScenario(ctx);
    // Figures only, as well.
    if (options.scenarios.includes('guest-page')) result.guestPage = await runGuestPage(ctx);
    if (options.scenarios.includes('crypto')) {
      result.crypto = await runCrypto(ctx);
      verdicts.push(judgeCrypto(cryptoFigures(result.crypto)));
    }
    result.finishedAt = new Date().toISOString();
    result.wallSeconds = (performance.now() - startedAt) / 1000;
    const file = join(options.resultsDir, `${stamp(started)}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${renderReport(result)}\n`);
    for (const record of [...result.throughput, ...result.latency]) {
      if (record.logTail.length > 0) {
        console.log(
          `${record.scenario}/${record.target} logged:\n  ${record.logTail.slice(-5).join('\n  ')}`,
        );
      }
    }
    const claimLogs = [
      ...(result.claims?.rounds ?? []).map((r) => ({
        name: `claims round ${r.round}`,
        tail: r.logTail,
      })),
      ...(result.claims?.messaging ?? []).map((r) => ({
        name: `claims round ${r.round}, storm ${r.storm}`,
        tail: r.messaging.logTail,
      })),
    ];
    for (const { name, tail } of claimLogs) {
      if (tail.length > 0) console.log(`${name} logged:\n  ${tail.slice(-5).join('\n  ')}`);
    }
    console.log(`Result: ${file} (${result.wallSeconds.toFixed(0)} s)`);
  } finally {
    if (!options.keepDatabase) rmSync(workDir, { recursive: true, force: true });
    else console.log(`Database kept: ${databaseFile}`);
  }
}

/** The idle scenario needs one descriptor per connection in this process and in the server. */
function idleBudget(
  options: BenchOptions,
  openFilesSoft: number | undefined,
): { idleCount: number; cappedFrom: number | undefined } {
  const wanted = options.idleConnections;
  const budget = openFilesSoft === undefined ? wanted : Math.floor(openFilesSoft - 1000);
  if (wanted <= budget) return { idleCount: wanted, cappedFrom: undefined };
  console.warn(
    `bench: ulimit -n is ${openFilesSoft}; opening ${budget} idle connections instead of ${wanted}`,
  );
  return { idleCount: budget, cappedFrom: wanted };
}

/**
 * Loopback source addresses for the clients: one is plenty unless the connections approach the
 * ephemeral port range, in which case 127.0.0.2… add a port range each.
 */
function sourceAddresses(connections: number, ephemeralPorts: number | undefined): string[] {
  const perAddress = Math.floor((ephemeralPorts ?? 28_000) * 0.7);
  const needed = Math.ceil((connections + 4000) / perAddress);
  return needed <= 1 ? [] : Array.from({ length: needed }, (_, i) => `127.0.0.${i + 1}`);
}

const stamp = (date: Date) => date.toISOString().replace(/[:.]/g, '-');

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
