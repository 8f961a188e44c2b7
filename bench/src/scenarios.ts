import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createBarePairs, idleClients } from './fixtures.js';
import type { IdleJob, LoadMode, PairSpec, PairsJob } from './jobs.js';
import { runLoadJob } from './loader.js';
import type { BenchOptions } from './options.js';
import { runPairsPhase } from './phase.js';
import { waitForQuiet } from './quiet.js';
import { summarizeProfile, type CpuProfile } from './profile.js';
import type { IdleRecord, PairsPhaseRecord, PhaseTarget, ThroughputSummary } from './results.js';
import { Sampler, type UsageSample } from './sampler.js';
import { startStorageBeside, type StorageBeside } from './storage-beside.js';
import { median } from './stats.js';
import { sleep, startBareRelay, startKnock, type Target, type TargetKind } from './targets.js';

export interface ScenarioContext {
  options: BenchOptions;
  databaseFile: string;
  /** Users, tokens and chats registered on the Knock database, enough for every scenario. */
  knockPairs: PairSpec[];
  localAddresses: string[];
  /** Where profiled phases write their CPU profiles (one directory each), or undefined for none. */
  profileDir: string | undefined;
  log: (line: string) => void;
}

const CONNECT_CONCURRENCY = 64;
const DRAIN_MS = 5000;

/**
 * Starts a fresh target process, runs `body`, and always stops it. `beside` starts whatever must
 * run next to the target (the storage load of `bare+db`), after the wait for a quiet machine.
 */
async function withTarget<T>(
  ctx: ScenarioContext,
  kind: TargetKind,
  cpuProfileDir: string | undefined,
  body: (target: Target) => Promise<T>,
  beside: () => Promise<void> = () => Promise.resolve(),
): Promise<T> {
  if (ctx.options.waitQuietSeconds > 0)
    await waitForQuiet(ctx.options.waitQuietSeconds, 15, ctx.log);
  await beside();
  const target =
    kind === 'knock'
      ? await startKnock({
          databaseFile: ctx.databaseFile,
          cpuProfileDir,
          serverMain: ctx.options.serverMain,
          nodeFlags: ctx.options.serverNodeFlags,
        })
      : await startBareRelay();
  try {
    return await body(target);
  } finally {
    await target.stop();
  }
}

/** A fresh directory for one phase's profile, when profiling is on. */
function profileDirFor(ctx: ScenarioContext, name: string): string | undefined {
  if (!ctx.profileDir) return undefined;
  const dir = join(ctx.profileDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs a Knock or bare phase; a Knock phase given a profile directory gets its profile attached. */
async function phase(
  ctx: ScenarioContext,
  kind: TargetKind,
  profileName: string | undefined,
  job: (target: Target) => PairsJob,
  meta: { scenario: PairsPhaseRecord['scenario']; round: number },
  beside?: () => Promise<void>,
): Promise<PairsPhaseRecord> {
  const dir = kind === 'knock' && profileName ? profileDirFor(ctx, profileName) : undefined;
  const record = await withTarget(
    ctx,
    kind,
    dir,
    (target) => runPairsPhase(target, job(target), meta),
    beside,
  );
  const file = dir && readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (dir && file) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    record.profile = { file: join(dir, file), ...summarizeProfile(profile) };
  }
  return record;
}

function pairsJob(ctx: ScenarioContext, target: Target, count: number, mode: LoadMode): PairsJob {
  const o = ctx.options;
  const durationSeconds = mode.type === 'closed' ? o.throughputSeconds : o.latencySeconds;
  return {
    kind: 'pairs',
    wsUrl: target.wsUrl,
    pairs: target.kind === 'knock' ? ctx.knockPairs.slice(0, count) : createBarePairs(count),
    mode,
    warmupMs: o.warmupSeconds * 1000,
    durationMs: durationSeconds * 1000,
    drainMs: DRAIN_MS,
    payloadBytes: o.payloadBytes,
    ackDelayMs: o.ackDelayMs,
    connectConcurrency: CONNECT_CONCURRENCY,
    localAddresses: ctx.localAddresses,
  };
}

/** (1) Closed-loop throughput of Knock against the bare relay, alternating which goes first. */
export async function runThroughput(ctx: ScenarioContext): Promise<{
  records: PairsPhaseRecord[];
  summary: ThroughputSummary;
}> {
  const o = ctx.options;
  const records: PairsPhaseRecord[] = [];
  const mode: LoadMode = { type: 'closed', window: o.window };
  for (let round = 1; round <= o.rounds; round++) {
    const order: TargetKind[] = round % 2 === 1 ? ['bare', 'knock'] : ['knock', 'bare'];
    for (const kind of order) {
      const profile = kind === 'knock' && round === 1 && o.cpuProfile;
      ctx.log(`throughput round ${round}: ${kind}${profile ? ' (profiling)' : ''}`);
      const record = await phase(
        ctx,
        kind,
        profile ? 'throughput' : undefined,
        (target) => pairsJob(ctx, target, o.throughputPairs, mode),
        { scenario: 'throughput', round },
      );
      ctx.log(`  ${Math.round(record.deliveredPerSecond)} delivered/s`);
      records.push(record);
    }
  }
  const rate = (kind: TargetKind, field: 'deliveredPerSecond' | 'ackedPerSecond') =>
    median(records.filter((r) => r.target === kind).map((r) => r[field]));
  const roundRatios = Array.from({ length: o.rounds }, (_, i) => {
    const of = (kind: TargetKind) =>
      records.find((r) => r.round === i + 1 && r.target === kind)?.deliveredPerSecond ?? Number.NaN;
    return of('knock') / of('bare');
  });
  const summary: ThroughputSummary = {
    bareDeliveredPerSecond: rate('bare', 'deliveredPerSecond'),
    knockDeliveredPerSecond: rate('knock', 'deliveredPerSecond'),
    bareAckedPerSecond: rate('bare', 'ackedPerSecond'),
    knockAckedPerSecond: rate('knock', 'ackedPerSecond'),
    ratio: rate('knock', 'deliveredPerSecond') / rate('bare', 'deliveredPerSecond'),
    roundRatios,
  };
  return { records, summary };
}

/**
 * (2)(3) Open-loop latency at each rate over the latency pairs. References: the bare relay, and
 * the bare relay with Knock's storage work for the same rate beside it (`bare+db`, see
 * storage-beside.ts): the floor for any server that commits each message durably on this machine.
 */
export async function runLatency(ctx: ScenarioContext): Promise<PairsPhaseRecord[]> {
  const o = ctx.options;
  const records: PairsPhaseRecord[] = [];
  for (const rate of o.rates) {
    const kinds: PhaseTarget[] = o.bareLatency ? ['knock', 'bare', 'bare+db'] : ['knock'];
    for (const kind of kinds) {
      const profile = kind === 'knock' && o.cpuProfile;
      ctx.log(
        `latency ${rate} msg/s over ${o.latencyPairs} pairs: ${kind}${profile ? ' (profiling)' : ''}`,
      );
      const job = (target: Target) => pairsJob(ctx, target, o.latencyPairs, { type: 'open', rate });
      const meta = { scenario: 'latency', round: 1 } as const;
      const record =
        kind === 'bare+db'
          ? await storageFloorPhase(ctx, rate, job, meta)
          : await phase(ctx, kind, profile ? `latency-${rate}` : undefined, job, meta);
      ctx.log(
        `  ${Math.round(record.deliveredPerSecond)} delivered/s, p50 ${record.load.latency.p50.toFixed(1)} ms, p99 ${record.load.latency.p99.toFixed(1)} ms`,
      );
      records.push(record);
    }
  }
  return records;
}

/**
 * A bare relay phase with Knock's storage load running beside it for the whole phase. Its CPU is
 * taken out of "other" (it is part of the reference, not noise) and reported on its own.
 */
async function storageFloorPhase(
  ctx: ScenarioContext,
  rate: number,
  job: (target: Target) => PairsJob,
  meta: { scenario: 'latency'; round: number },
): Promise<PairsPhaseRecord> {
  let storage: StorageBeside | undefined;
  const start = async () => {
    storage = await startStorageBeside({
      file: join(dirname(ctx.databaseFile), 'storage-floor.db'),
      chats: ctx.options.latencyPairs,
      rate,
      payloadBytes: ctx.options.payloadBytes,
    });
  };
  let record: PairsPhaseRecord;
  try {
    record = await phase(ctx, 'bare', undefined, job, meta, start);
  } catch (error) {
    await storage?.stop().catch(() => undefined);
    throw error;
  }
  if (!storage) throw new Error('the storage load did not start');
  const figures = await storage.stop();
  const usage = {
    ...record.usage,
    otherCpuPercent: Math.max(0, record.usage.otherCpuPercent - figures.cpuPercent),
  };
  return { ...record, target: 'bare+db', usage, storageBeside: figures };
}

/**
 * (4) Idle connections: a fresh server, a small warm-up (connections opened and closed so code
 * and pools are in place), RSS at rest, then N authenticated connections held idle; the RSS
 * growth divided by N. RSS figures are medians of five readings.
 */
export async function runIdle(
  ctx: ScenarioContext,
  count: number,
  cappedFrom: number | undefined,
): Promise<IdleRecord> {
  return withTarget(ctx, 'knock', undefined, async (target) => {
    const sampler = new Sampler(target.pid);
    try {
      const job = (n: number): IdleJob => ({
        kind: 'idle',
        wsUrl: target.wsUrl,
        clients: idleClients(ctx.knockPairs, n),
        connectConcurrency: CONNECT_CONCURRENCY,
        localAddresses: ctx.localAddresses,
      });
      ctx.log('idle: warm-up');
      await runLoadJob(job(Math.min(200, count)), (phase, command) => {
        if (phase === 'open') command({ type: 'close' });
      });
      await sleep(2000);
      const baseline = await steadyRss(sampler);
      ctx.log(`idle: opening ${count} connections`);
      let loaded: { rssKiB: number; first: UsageSample; last: UsageSample } | undefined;
      const result = await runLoadJob(job(count), (phase, command) => {
        if (phase !== 'open') return;
        void (async () => {
          await sleep(5000);
          loaded = await steadyRss(sampler);
          command({ type: 'close' });
        })();
      });
      if (!loaded) throw new Error('idle connections were not measured');
      const opened = Math.max(1, result.opened);
      return {
        ...result,
        cappedFrom,
        baselineRssKiB: baseline.rssKiB,
        loadedRssKiB: loaded.rssKiB,
        perConnectionKiB: (loaded.rssKiB - baseline.rssKiB) / opened,
        serverCpuPercentWhileIdle: sampler.usage(loaded.first, loaded.last).targetCpuPercent,
      };
    } finally {
      sampler.stop();
    }
  });
}

/** Median RSS of five readings 400 ms apart. */
async function steadyRss(
  sampler: Sampler,
): Promise<{ rssKiB: number; first: UsageSample; last: UsageSample }> {
  const readings: UsageSample[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(400);
    readings.push(sampler.mark());
  }
  return {
    rssKiB: median(readings.map((r) => r.target?.rssKiB ?? Number.NaN)),
    first: readings[0] as UsageSample,
    last: readings[readings.length - 1] as UsageSample,
  };
}
