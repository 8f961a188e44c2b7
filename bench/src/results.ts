import type { ClaimLoadResult } from './claim-load.js';
import type { ChromiumCryptoResult } from './crypto-browser.js';
import type { CryptoCostCase } from './crypto-cost.js';
import type { Verdict } from './goals.js';
import type { IdleResult, LoadMode, PairsResult } from './jobs.js';
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { ProfileSummary } from './profile.js';
import type { Revision } from './revision.js';
import type { PhaseUsage } from './sampler.js';
import type { TargetKind } from './targets.js';

/** The shape of bench/results/<timestamp>.json. */

export interface PairsPhaseRecord {
  /** `claims`: the messaging load of the claims scenario (see {@link ClaimsRecord}). */
  scenario: 'throughput' | 'latency' | 'claims';
  target: TargetKind;
  /** Throughput round (1-based); 1 for latency phases. */
  round: number;
  pairs: number;
  mode: LoadMode;
  sentPerSecond: number;
  ackedPerSecond: number;
  deliveredPerSecond: number;
  load: PairsResult;
  usage: PhaseUsage;
  /** Warnings and errors the target logged. */
  logTail: string[];
  /** The target's CPU profile over the whole phase (with --cpu-prof, Knock only). */
  profile?: (ProfileSummary & { file: string }) | undefined;
}

export interface ThroughputSummary {
  /** Medians over the rounds. */
  bareDeliveredPerSecond: number;
  knockDeliveredPerSecond: number;
  bareAckedPerSecond: number;
  knockAckedPerSecond: number;
  ratio: number;
  /** Knock/bare per round. */
  roundRatios: number[];
}

export interface IdleRecord extends IdleResult {
  /** Set when the open-file limit forced fewer connections than asked. */
  cappedFrom: number | undefined;
  baselineRssKiB: number;
  loadedRssKiB: number;
  perConnectionKiB: number;
  serverCpuPercentWhileIdle: number;
}

export interface CryptoCaseRecord extends CryptoCostCase {
  platform: 'node' | 'chromium';
  /** Median over the runs of microseconds per message (encrypt + decrypt). */
  medianMicros: number;
}

export interface CryptoRecord {
  runs: number;
  messagesPerRun: number;
  cases: CryptoCaseRecord[];
  /** The browser, or why it was not measured there. */
  chromium:
    | { available: true; version: string; nativeCurves: boolean }
    | Extract<ChromiumCryptoResult, { available: false }>;
}

/** One round's claims phase: proofs solved, then the claims alone against a fresh server. */
export interface ClaimsRoundRecord {
  round: number;
  /** Challenge issues, timed alone (closed loop) on the server the proofs then came from. */
  challenges: ClaimLoadResult;
  challengeUsage: PhaseUsage;
  /** Solving (the guest's cost, never timed with the server's work). */
  solving: { aloneMs: number[]; perSecond: number; seconds: number; proofs: number };
  claims: ClaimLoadResult;
  usage: PhaseUsage;
  logTail: string[];
}

export type ClaimStorm =
  /** No claims: the reference. */
  | 'none'
  /** As many claims as the server takes (claim limits raised), over all the links. */
  | 'open'
  /** Claims on one link from one IP against the default limits: nearly all refused. */
  | 'limited';

/** The messaging load of the claims scenario, with or without a claim storm. */
export interface ClaimsMessagingRecord {
  round: number;
  storm: ClaimStorm;
  messaging: PairsPhaseRecord;
  /** The storm over the messaging phase's measured window; undefined for `none`. */
  claims: ClaimLoadResult | undefined;
  /** Claims/s the storm was held to (fewer proofs than its full rate needs), or undefined. */
  pacedAt: number | undefined;
}

export interface ClaimsSummary {
  /** Medians over the rounds. */
  claimsPerSecond: number;
  claimP50: number;
  claimP99: number;
  claimServerCpuPercent: number;
  /** Server CPU per accepted claim, µs (its CPU over the claims phase ÷ claims). */
  claimServerMicros: number;
  challengesPerSecond: number;
  challengeP50: number;
  challengeP99: number;
  /** Median over every proof solved alone, in ms. */
  solveAloneMs: number;
  solvePerSecond: number;
  /** Medians per storm kind, over the rounds. */
  storms: {
    storm: ClaimStorm;
    messagingP50: number;
    messagingP99: number;
    deliveredPerSecond: number;
    /** Accepted claims/s, and refused ones, inside the window. */
    claimsPerSecond: number;
    refusedPerSecond: number;
    serverCpuPercent: number;
    /**
     * Server CPU the storm added per claim it answered (accepted or refused), µs: the CPU over
     * the messaging phase less that of the same round's phase without claims, ÷ claims.
     */
    serverMicrosPerClaim: number;
  }[];
}

export interface ClaimsRecord {
  hosts: number;
  links: number;
  rounds: ClaimsRoundRecord[];
  messaging: ClaimsMessagingRecord[];
  summary: ClaimsSummary;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  options: BenchOptions;
  machine: MachineInfo;
  revision: Revision;
  setupSeconds: number;
  throughput: PairsPhaseRecord[];
  throughputSummary: ThroughputSummary | undefined;
  latency: PairsPhaseRecord[];
  idle: IdleRecord | undefined;
  crypto: CryptoRecord | undefined;
  claims: ClaimsRecord | undefined;
  verdicts: Verdict[];
}
