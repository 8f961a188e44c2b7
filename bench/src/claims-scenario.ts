/**
 * (6) Guest-link claims: how many claims a second the real server takes, proof of work verified,
 * and how much a storm of them moves the messaging latency. Proofs are solved beforehand at
 * production difficulty (that is the guest's work); only the server's side is timed.
 */
import type { ClaimJob, ClaimLoadResult, ClaimTask } from './claim-load.js';
import { startClaimJob } from './claim-loader.js';
import { createHosts, createReusableInvites } from './fixtures.js';
import type { PairsJob } from './jobs.js';
import { runPairsPhase } from './phase.js';
import { solveProofs } from './proofs.js';
import { waitForQuiet } from './quiet.js';
import type {
  ClaimStorm,
  ClaimsMessagingRecord,
  ClaimsRecord,
  ClaimsRoundRecord,
  ClaimsSummary,
  PairsPhaseRecord,
} from './results.js';
import { Sampler, type PhaseUsage } from './sampler.js';
import type { ScenarioContext } from './scenarios.js';
import { median } from './stats.js';
import { startKnock, type Target } from './targets.js';

/**
 * Claim limits out of the way: every claim comes from 127.0.0.1, and the benchmark measures the
 * server's capacity, not its abuse limits. (The `limited` storm runs with the defaults.)
 */
export const OPEN_CLAIM_LIMITS: Readonly<Record<string, string>> = {
  KNOCK_LIMIT_CHALLENGES_PER_IP_MINUTE: '10000000',
  KNOCK_LIMIT_CLAIMS_PER_IP_MINUTE: '10000000',
  KNOCK_LIMIT_CLAIMS_PER_INVITE_MINUTE: '10000000',
  KNOCK_LIMIT_CLAIMS_PER_HOST_HOUR: '10000000',
  KNOCK_LIMIT_CLAIMS_PER_SECOND: '10000000',
};

const CONNECT_CONCURRENCY = 64;
const DRAIN_MS = 5000;
/** Parallel solvers: libuv's four threads run the PBKDF2 calls, twice over to keep them fed. */
const SOLVE_CONCURRENCY = 8;
/**
 * Proofs for the limited storm, sent round and round: the default per-IP limit takes the first
 * ten a minute and refuses the rest before it looks at the proof.
 */
const LIMITED_POOL = 12;
/**
 * A batch of proofs must be solved and spent within a challenge's 5 minutes: solving stops after
 * this long, whatever is left (the storm is then held to the rate its proofs cover).
 */
const SOLVE_BUDGET_SECONDS = 180;
/** `--wait-quiet` between solving proofs and spending them waits this long at most. */
const LIVE_PROOFS_QUIET_SECONDS = 15;
/** Proofs for the storm: the claims alone would last this much longer than the window. */
const STORM_SPARE = 1.2;

interface Links {
  hosts: number;
  ids: string[];
}

export async function runClaimsScenario(ctx: ScenarioContext): Promise<ClaimsRecord> {
  const o = ctx.options;
  const pairs = ctx.knockPairs.slice(0, o.claimPairs);
  if (pairs.length < o.claimPairs) throw new Error('not enough pairs set up for the claims load');
  const hostCount = o.quick ? 2 : 10;
  const linksPerHost = o.quick ? 2 : 5;
  const challengeCount = o.quick ? 200 : 2000;
  const alone = o.quick ? 3 : 5;
  let links: Links | undefined;
  const rounds: ClaimsRoundRecord[] = [];
  const messaging: ClaimsMessagingRecord[] = [];

  for (let round = 1; round <= o.rounds; round++) {
    // (a) Links (once), challenge issues timed alone, then the claims phase's proofs solved.
    const prepared = await withKnock(ctx, OPEN_CLAIM_LIMITS, async (target) => {
      if (!links) {
        ctx.log(`claims: ${hostCount} hosts with ${linksPerHost} reusable links each`);
        const tokens = await createHosts(target.httpUrl, hostCount);
        links = {
          hosts: hostCount,
          ids: await createReusableInvites(target.httpUrl, tokens, linksPerHost),
        };
      }
      const ids = links.ids;
      ctx.log(`claims round ${round}: ${challengeCount} challenges issued`);
      const issued = await measured(target, {
        endpoint: 'challenge',
        httpUrl: target.httpUrl,
        tasks: Array.from({ length: challengeCount }, (_, i) => ({
          inviteId: ids[i % ids.length] as string,
        })),
        concurrency: o.claimConcurrency,
        startOnCommand: true,
        untilStopped: false,
        rate: undefined,
      });
      ctx.log(
        `  ${Math.round(issued.result.acceptedInWindow / issued.result.windowSeconds)} challenges/s`,
      );
      ctx.log(`claims round ${round}: solving ${o.claimCount} proofs (production difficulty)`);
      const solved = await solveProofs(target.httpUrl, roundRobin(ids, o.claimCount), {
        alone,
        concurrency: SOLVE_CONCURRENCY,
        deadlineSeconds: SOLVE_BUDGET_SECONDS,
      });
      ctx.log(
        `  ${solved.seconds.toFixed(1)} s: one alone ${median(solved.aloneMs).toFixed(0)} ms (median), ${solved.perSecond.toFixed(1)} proofs/s in parallel`,
      );
      return { issued, solved };
    });
    const ids = (links as Links).ids;

    // (b) The claims alone, on a fresh server.
    ctx.log(`claims round ${round}: ${o.claimCount} claims, ${o.claimConcurrency} in flight`);
    const claimed = await withKnock(
      ctx,
      OPEN_CLAIM_LIMITS,
      (target) =>
        measured(target, {
          endpoint: 'claim',
          httpUrl: target.httpUrl,
          tasks: prepared.solved.tasks,
          concurrency: o.claimConcurrency,
          startOnCommand: true,
          untilStopped: false,
          rate: undefined,
        }),
      true,
    );
    const claimRate = claimed.result.acceptedInWindow / claimed.result.windowSeconds;
    ctx.log(
      `  ${Math.round(claimRate)} claims/s, p50 ${claimed.result.acceptedLatency.p50.toFixed(1)} ms, p99 ${claimed.result.acceptedLatency.p99.toFixed(1)} ms${describeRefusals(claimed.result)}`,
    );
    rounds.push({
      round,
      challenges: prepared.issued.result,
      challengeUsage: prepared.issued.usage,
      solving: {
        aloneMs: prepared.solved.aloneMs,
        perSecond: prepared.solved.perSecond,
        seconds: prepared.solved.seconds,
        proofs: prepared.solved.tasks.length,
      },
      claims: claimed.result,
      usage: claimed.usage,
      logTail: claimed.logTail,
    });

    // (c) The storm's proofs: enough for the measured window at the rate just measured, within
    // what can be solved while the first ones stay valid. With fewer, the storm is held to the
    // rate they cover (under the messaging load the server takes fewer claims anyway).
    const wanted = Math.ceil(claimRate * o.claimSeconds * STORM_SPARE);
    const budget = Number.isFinite(prepared.solved.perSecond)
      ? Math.floor(prepared.solved.perSecond * SOLVE_BUDGET_SECONDS)
      : wanted;
    const asked = Math.max(1, Math.min(wanted, budget, o.quick ? 8 : Infinity));
    ctx.log(`claims round ${round}: solving ${LIMITED_POOL} + ${asked} proofs for the storms`);
    // The limited storm's few first: the solving may stop short of the rest at the deadline.
    const stormProofs = await withKnock(ctx, OPEN_CLAIM_LIMITS, (target) =>
      solveProofs(
        target.httpUrl,
        [
          ...Array.from({ length: LIMITED_POOL }, () => ids[0] as string),
          ...roundRobin(ids, asked),
        ],
        { alone: 0, concurrency: SOLVE_CONCURRENCY, deadlineSeconds: SOLVE_BUDGET_SECONDS },
      ),
    );
    const limitedTasks = stormProofs.tasks.slice(0, LIMITED_POOL);
    const openTasks = stormProofs.tasks.slice(LIMITED_POOL);
    const pacedAt = openTasks.length < wanted ? openTasks.length / o.claimSeconds : undefined;
    ctx.log(
      `  ${stormProofs.seconds.toFixed(1)} s, ${stormProofs.tasks.length} proofs` +
        (pacedAt === undefined ? '' : ` (the storm is held to ${pacedAt.toFixed(0)} claims/s)`),
    );
    if (limitedTasks.length === 0 || openTasks.length === 0) {
      throw new Error('no proofs solved for the storms in time: the machine is too busy');
    }

    // (d) The messaging load without a storm, with one, and with one the limits refuse. The
    // reference goes first in odd rounds and last in even ones (the database grows as it runs).
    const storms: ClaimStorm[] =
      round % 2 === 1 ? ['none', 'open', 'limited'] : ['open', 'limited', 'none'];
    for (const storm of storms) {
      const record = await messagingPhase(ctx, round, storm, {
        open: { tasks: openTasks, pacedAt },
        limited: { tasks: limitedTasks },
      });
      messaging.push(record);
    }
  }
  return {
    hosts: links?.hosts ?? 0,
    links: links?.ids.length ?? 0,
    rounds,
    messaging,
    summary: summarizeClaims(rounds, messaging),
  };
}

async function messagingPhase(
  ctx: ScenarioContext,
  round: number,
  storm: ClaimStorm,
  proofs: {
    open: { tasks: ClaimTask[]; pacedAt: number | undefined };
    limited: { tasks: ClaimTask[] };
  },
): Promise<ClaimsMessagingRecord> {
  const o = ctx.options;
  const what =
    storm === 'none'
      ? 'no claims'
      : storm === 'open'
        ? 'a claim storm'
        : 'a claim storm on one link from one IP, default limits';
  ctx.log(
    `claims round ${round}: ${o.claimMessageRate} msg/s over ${o.claimPairs} pairs with ${what}`,
  );
  const env = storm === 'limited' ? {} : OPEN_CLAIM_LIMITS;
  const pacedAt = storm === 'open' ? proofs.open.pacedAt : undefined;
  return withKnock(
    ctx,
    env,
    async (target) => {
      const stormRun =
        storm === 'none'
          ? undefined
          : startClaimJob({
              endpoint: 'claim',
              httpUrl: target.httpUrl,
              tasks: storm === 'open' ? proofs.open.tasks : proofs.limited.tasks,
              concurrency: o.claimConcurrency,
              startOnCommand: true,
              untilStopped: true,
              cycle: storm === 'limited',
              rate: pacedAt,
            });
      if (stormRun) await stormRun.ready;
      const job: PairsJob = {
        kind: 'pairs',
        wsUrl: target.wsUrl,
        pairs: ctx.knockPairs.slice(0, o.claimPairs),
        mode: { type: 'open', rate: o.claimMessageRate },
        warmupMs: o.warmupSeconds * 1000,
        durationMs: o.claimSeconds * 1000,
        drainMs: DRAIN_MS,
        payloadBytes: o.payloadBytes,
        ackDelayMs: o.ackDelayMs,
        connectConcurrency: CONNECT_CONCURRENCY,
        localAddresses: ctx.localAddresses,
      };
      let record: PairsPhaseRecord;
      try {
        record = await runPairsPhase(target, job, { scenario: 'claims', round }, (phase) => {
          if (phase === 'measuring') stormRun?.start();
          if (phase === 'measured') stormRun?.stop();
        });
      } finally {
        // Never leave the storm's thread running (e.g. when the messaging load failed).
        stormRun?.stop();
      }
      const claims = await stormRun?.result;
      const latency = record.load.latency;
      ctx.log(
        `  ${Math.round(record.deliveredPerSecond)} delivered/s, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms` +
          (claims
            ? `; ${Math.round(claims.acceptedInWindow / claims.windowSeconds)} claims/s accepted, ${Math.round(claims.refusedInWindow / claims.windowSeconds)}/s refused${describeRefusals(claims)}` +
              (claims.ranOutAfterSeconds === undefined
                ? ''
                : ` (proofs ran out after ${claims.ranOutAfterSeconds.toFixed(1)} s)`)
            : ''),
      );
      return { round, storm, messaging: record, claims, pacedAt };
    },
    true,
  );
}

/** Starts a fresh server with these settings (and the usual raised limits), runs `body`, stops it. */
async function withKnock<T>(
  ctx: ScenarioContext,
  env: Readonly<Record<string, string>>,
  body: (target: Target) => Promise<T>,
  proofsLive = false,
): Promise<T> {
  // With solved proofs waiting (they expire 5 minutes after their challenge), wait briefly only.
  const quiet = proofsLive
    ? Math.min(ctx.options.waitQuietSeconds, LIVE_PROOFS_QUIET_SECONDS)
    : ctx.options.waitQuietSeconds;
  if (quiet > 0) await waitForQuiet(quiet, 15, ctx.log);
  const target = await startKnock({
    databaseFile: ctx.databaseFile,
    serverMain: ctx.options.serverMain,
    nodeFlags: ctx.options.serverNodeFlags,
    env,
  });
  try {
    return await body(target);
  } finally {
    await target.stop();
  }
}

/** Runs a claim job to its end, sampling the server from its start to its last answer. */
async function measured(
  target: Target,
  job: Omit<ClaimJob, 'cycle'>,
): Promise<{ result: ClaimLoadResult; usage: PhaseUsage; logTail: string[] }> {
  const sampler = new Sampler(target.pid);
  try {
    const run = startClaimJob({ ...job, cycle: false });
    await run.ready;
    const first = sampler.mark();
    run.start();
    const result = await run.result;
    const last = sampler.mark();
    return { result, usage: sampler.usage(first, last), logTail: [...target.logTail] };
  } finally {
    sampler.stop();
  }
}

/** `count` invite ids taken round robin from `ids`. */
function roundRobin(ids: readonly string[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => ids[i % ids.length] as string);
}

function describeRefusals(result: ClaimLoadResult): string {
  const refused = Object.entries(result.refused).map(([key, n]) => `${key}: ${n}`);
  const failed = Object.entries(result.failed).map(([key, n]) => `${key}: ${n}`);
  const all = [...refused, ...failed];
  return all.length === 0 ? '' : ` (${all.join(', ')})`;
}

/** Medians over the rounds (pure). */
export function summarizeClaims(
  rounds: readonly ClaimsRoundRecord[],
  messaging: readonly ClaimsMessagingRecord[],
): ClaimsSummary {
  const m = <T>(items: readonly T[], pick: (item: T) => number) => median(items.map(pick));
  const kinds: ClaimStorm[] = ['none', 'open', 'limited'];
  return {
    claimsPerSecond: m(rounds, (r) => r.claims.acceptedInWindow / r.claims.windowSeconds),
    claimP50: m(rounds, (r) => r.claims.acceptedLatency.p50),
    claimP99: m(rounds, (r) => r.claims.acceptedLatency.p99),
    claimServerCpuPercent: m(rounds, (r) => r.usage.targetCpuPercent),
    claimServerMicros: m(
      rounds,
      (r) =>
        (r.usage.targetCpuPercent * 1e4) / (r.claims.acceptedInWindow / r.claims.windowSeconds),
    ),
    challengesPerSecond: m(
      rounds,
      (r) => r.challenges.acceptedInWindow / r.challenges.windowSeconds,
    ),
    challengeP50: m(rounds, (r) => r.challenges.acceptedLatency.p50),
    challengeP99: m(rounds, (r) => r.challenges.acceptedLatency.p99),
    solveAloneMs: median(rounds.flatMap((r) => r.solving.aloneMs)),
    solvePerSecond: m(rounds, (r) => r.solving.perSecond),
    storms: kinds
      .map((storm) => ({ storm, records: messaging.filter((r) => r.storm === storm) }))
      .filter(({ records }) => records.length > 0)
      .map(({ storm, records }) => ({
        storm,
        messagingP50: m(records, (r) => r.messaging.load.latency.p50),
        messagingP99: m(records, (r) => r.messaging.load.latency.p99),
        deliveredPerSecond: m(records, (r) => r.messaging.deliveredPerSecond),
        claimsPerSecond: m(records, (r) =>
          r.claims ? r.claims.acceptedInWindow / r.claims.windowSeconds : 0,
        ),
        refusedPerSecond: m(records, (r) =>
          r.claims ? r.claims.refusedInWindow / r.claims.windowSeconds : 0,
        ),
        serverCpuPercent: m(records, (r) => r.messaging.usage.targetCpuPercent),
        serverMicrosPerClaim: m(records, (r) => {
          const none = messaging.find((x) => x.round === r.round && x.storm === 'none');
          if (!r.claims || !none) return Number.NaN;
          const answered =
            (r.claims.acceptedInWindow + r.claims.refusedInWindow) / r.claims.windowSeconds;
          const extra = r.messaging.usage.targetCpuPercent - none.messaging.usage.targetCpuPercent;
          return (extra * 1e4) / answered;
        }),
      })),
  };
}
