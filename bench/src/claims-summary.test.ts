import { describe, expect, it } from 'vitest';
import type { ClaimLoadResult } from './claim-load.js';
import { summarizeClaims } from './claims-scenario.js';
import type { ClaimsMessagingRecord, ClaimsRoundRecord, PairsPhaseRecord } from './results.js';
import type { PhaseUsage } from './sampler.js';
import { summarize } from './stats.js';

const usage = (cpu: number) => ({ targetCpuPercent: cpu }) as PhaseUsage;

const load = (accepted: number, refused: number, seconds: number, ms: number): ClaimLoadResult => ({
  windowSeconds: seconds,
  ranOutAfterSeconds: undefined,
  sent: accepted + refused,
  accepted,
  acceptedInWindow: accepted,
  refusedInWindow: refused,
  refused: refused > 0 ? { '429 rate_limited': refused } : {},
  failed: {},
  acceptedLatency: summarize([ms, ms * 2]),
  refusedLatency: summarize(refused > 0 ? [1] : []),
});

const round = (n: number, claimsPerSecond: number): ClaimsRoundRecord => ({
  round: n,
  challenges: load(2000, 0, 1, 5),
  challengeUsage: usage(100),
  solving: { aloneMs: [300 - n, 300 + n], perSecond: 8, seconds: 60, proofs: 500 },
  claims: load(claimsPerSecond * 2, 0, 2, 30),
  usage: usage(100),
  logTail: [],
});

const phase = (
  n: number,
  storm: ClaimsMessagingRecord['storm'],
  p99: number,
  cpu: number,
  claims: ClaimLoadResult | undefined,
): ClaimsMessagingRecord => ({
  round: n,
  storm,
  messaging: {
    deliveredPerSecond: 2000,
    load: { latency: summarize([1, p99]) },
    usage: usage(cpu),
  } as PairsPhaseRecord,
  claims,
  pacedAt: undefined,
});

describe('summarizeClaims', () => {
  it('takes medians over the rounds and the CPU a storm adds per claim', () => {
    const summary = summarizeClaims(
      [round(1, 400), round(2, 500), round(3, 450)],
      [
        phase(1, 'none', 6, 60, undefined),
        phase(1, 'open', 60, 100, load(1000, 0, 5, 50)),
        phase(1, 'limited', 40, 90, load(10, 30_000, 5, 1)),
        phase(2, 'none', 8, 60, undefined),
        phase(2, 'open', 80, 100, load(1000, 0, 5, 50)),
      ],
    );
    expect(summary.claimsPerSecond).toBe(450);
    expect(summary.claimP50).toBe(30);
    // 100 % of a core at 450 claims/s.
    expect(summary.claimServerMicros).toBeCloseTo(1e6 / 450, 6);
    expect(summary.challengesPerSecond).toBe(2000);
    expect(summary.solveAloneMs).toBe(300);
    const [none, open, limited] = summary.storms;
    expect(none).toMatchObject({ storm: 'none', messagingP99: 7, claimsPerSecond: 0 });
    // 40 % of a core more, at 200 claims/s: 2 ms each.
    expect(open).toMatchObject({ storm: 'open', messagingP99: 70, claimsPerSecond: 200 });
    expect(open?.serverMicrosPerClaim).toBeCloseTo(2000, 6);
    expect(limited).toMatchObject({ storm: 'limited', claimsPerSecond: 2, refusedPerSecond: 6000 });
    expect(limited?.serverMicrosPerClaim).toBeCloseTo((30 * 1e4) / 6002, 6);
  });
});
