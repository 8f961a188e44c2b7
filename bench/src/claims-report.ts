import type { ClaimLoadResult } from './claim-load.js';
import type { BenchOptions } from './options.js';
import type { ClaimStorm, ClaimsRecord } from './results.js';
import { formatTable, num } from './table.js';

const STORM_NAMES: Record<ClaimStorm, string> = {
  none: 'no claims',
  open: 'claim storm',
  limited: 'limited storm',
};

/** The guest-claims section of the report. */
export function renderClaims(record: ClaimsRecord, options: BenchOptions): string[] {
  const s = record.summary;
  const out: string[] = [
    '',
    `Guest claims: ${record.hosts} hosts, ${record.links} reusable links; proofs of work at ` +
      `production difficulty solved beforehand (the guest's cost, not timed): one alone takes ` +
      `${num(s.solveAloneMs)} ms (median), this box solves ${num(s.solvePerSecond, 1)} a second on ` +
      `all cores. Challenge issues and claims are timed separately, ${options.claimConcurrency} ` +
      `in flight, each on a fresh server with the claim limits raised.`,
    formatTable(
      [
        'round',
        'challenges/s',
        'chall p50',
        'chall p99',
        'claims',
        'claims/s',
        'claim p50',
        'claim p99',
        'claim max',
        'server CPU',
        'CPU/claim',
        'other CPU',
        'server RSS',
        'refused',
      ],
      record.rounds.map((r) => [
        String(r.round),
        num(rate(r.challenges)),
        `${num(r.challenges.acceptedLatency.p50, 1)} ms`,
        `${num(r.challenges.acceptedLatency.p99, 1)} ms`,
        num(r.claims.sent),
        num(rate(r.claims)),
        `${num(r.claims.acceptedLatency.p50, 1)} ms`,
        `${num(r.claims.acceptedLatency.p99, 1)} ms`,
        `${num(r.claims.acceptedLatency.max, 1)} ms`,
        `${num(r.usage.targetCpuPercent)}%`,
        `${num((r.usage.targetCpuPercent * 1e4) / rate(r.claims))} µs`,
        `${num(r.usage.otherCpuPercent)}%`,
        `${num(r.usage.targetRssMaxKiB / 1024)} MiB`,
        refusals(r.claims),
      ]),
    ),
    `Median over ${record.rounds.length} round(s): ${num(s.claimsPerSecond)} claims/s ` +
      `(p50 ${num(s.claimP50, 1)} ms, p99 ${num(s.claimP99, 1)} ms, server CPU ` +
      `${num(s.claimServerCpuPercent)}%, ${num(s.claimServerMicros)} µs of it per claim); ` +
      `${num(s.challengesPerSecond)} challenges/s (p50 ${num(s.challengeP50, 1)} ms, p99 ` +
      `${num(s.challengeP99, 1)} ms).`,
    '',
    `Messaging under a claim storm: open loop, ${num(options.claimMessageRate)} msg/s over ` +
      `${num(options.claimPairs)} pairs, ${options.claimSeconds} s measured after ` +
      `${options.warmupSeconds} s warm-up; the storm runs through the measured window, ` +
      `${options.claimConcurrency} claims in flight. "claim storm": as many claims as the server ` +
      `takes (limits raised, all links; "≤ n/s": held to the rate its proofs could cover); ` +
      `"limited storm": one link from one IP against the default limits, refused after the first ` +
      `ten a minute ("claim p99" is then that of the refusals).`,
    formatTable(
      [
        'round',
        'storm',
        'delivered/s',
        'p50',
        'p99',
        'max',
        'claims/s',
        'refused/s',
        'claim p99',
        'server CPU',
        'loader CPU',
        'other CPU',
        'late',
        'errors',
      ],
      record.messaging.map((r) => {
        const load = r.messaging.load;
        const claims = r.claims;
        const errors = Object.entries(load.errors);
        return [
          String(r.round),
          STORM_NAMES[r.storm] +
            (r.pacedAt === undefined ? '' : ` (≤ ${num(r.pacedAt)}/s)`) +
            (claims?.ranOutAfterSeconds === undefined
              ? ''
              : ` (ran out at ${num(claims.ranOutAfterSeconds, 1)} s)`),
          num(r.messaging.deliveredPerSecond),
          `${num(load.latency.p50, 1)} ms`,
          `${num(load.latency.p99, 1)} ms`,
          `${num(load.latency.max, 1)} ms`,
          claims ? num(rate(claims)) : '-',
          claims ? num(claims.refusedInWindow / claims.windowSeconds) : '-',
          claims
            ? `${num(
                (r.storm === 'limited' ? claims.refusedLatency : claims.acceptedLatency).p99,
                1,
              )} ms`
            : '-',
          `${num(r.messaging.usage.targetCpuPercent)}%`,
          `${num(r.messaging.usage.loaderCpuPercent)}%`,
          `${num(r.messaging.usage.otherCpuPercent)}%`,
          num(load.undelivered),
          errors.length === 0 ? '0' : errors.map(([code, n]) => `${code}:${n}`).join(' '),
        ];
      }),
    ),
  ];
  const none = s.storms.find((x) => x.storm === 'none');
  for (const storm of s.storms.filter((x) => x.storm !== 'none')) {
    const delta = none ? storm.messagingP99 - none.messagingP99 : Number.NaN;
    out.push(
      `Median ${STORM_NAMES[storm.storm]}: messaging p50 ${num(storm.messagingP50, 1)} ms, p99 ` +
        `${num(storm.messagingP99, 1)} ms against ${num(none?.messagingP99, 1)} ms without ` +
        `claims (${delta >= 0 ? '+' : ''}${num(delta, 1)} ms), ${num(storm.claimsPerSecond)} ` +
        `claims/s accepted, ${num(storm.refusedPerSecond)}/s refused, server CPU ` +
        `${num(storm.serverCpuPercent)}% (without: ${num(none?.serverCpuPercent)}%, so ` +
        `${num(storm.serverMicrosPerClaim)} µs more per claim answered).`,
    );
  }
  const refusedClaims = record.messaging.filter((r) => r.storm === 'limited' && r.claims);
  for (const r of refusedClaims) {
    const text = r.claims ? refusals(r.claims) : '0';
    if (text !== '0') out.push(`  limited storm, round ${r.round}: ${text}`);
  }
  return out;
}

const rate = (r: ClaimLoadResult) => r.acceptedInWindow / r.windowSeconds;

function refusals(r: ClaimLoadResult): string {
  const all = [...Object.entries(r.refused), ...Object.entries(r.failed)];
  return all.length === 0 ? '0' : all.map(([key, n]) => `${key}: ${n}`).join(', ');
}
