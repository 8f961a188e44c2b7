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
import type { StorageLoadFigures } from './storage-beside.js';
import type { WriteBatches } from './write-batches.js';
import type { TargetKind } from './targets.js';

/** The shape of bench/results/<timestamp>.json. */

/** A phase's target: a process under test, or `bare+db`, the bare relay with storage beside it. */
export type PhaseTarget = TargetKind | 'bare+db';

export interface PairsPhaseRecord {
  /** `claims`: the messaging load of the claims scenario (see {@link ClaimsRecord}). */
  scenario: 'throughput' | 'latency' | 'claims';
  target: PhaseTarget;
  /** Throughput round (1-based); 1 for latency phases. */
  round: number;
  pairs: number;
  mode: LoadMode;
  sentPerSecond: number;
  ackedPerSecond: number;
  deliveredPerSecond: number;
  load: PairsResult;
  usage: PhaseUsage;
  /** Knock's group commits in the measured window, from its own metrics. */
  writeBatches?: WriteBatches | undefined;
  /** Warnings and errors the target logged. */
  logTail: string[];
  /**
   * `bare+db` only: what Knock's storage load beside the relay did (storage-beside.ts). Its CPU
   * is not in `usage.otherCpuPercent`.
   */
  storageBeside?: StorageLoadFigures | undefined;
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

/** What a page loaded, by kind: `api` is the server's JSON API, the rest the page's files. */
export type TransferKind = 'html' | 'js' | 'css' | 'api' | 'other';

export interface TransferSum {
  requests: number;
  /** Response bodies as they came over the wire (compressed when the server compressed them). */
  encodedBytes: number;
  /** The same bodies decompressed. */
  decodedBytes: number;
  headerBytes: number;
}

export interface TransferTally {
  byKind: Record<TransferKind, TransferSum>;
  /** The `content-encoding` values of the HTML, JS and CSS responses (`identity` for none). */
  encodings: string[];
  /** Each response, in the order the page asked for them. */
  files: { path: string; kind: TransferKind; encodedBytes: number; decodedBytes: number }[];
}

/** One round of the guest-page scenario: a fresh link and a fresh browser context. */
export interface GuestPageRound {
  round: number;
  /** From `page.goto(link)` until the welcome heading is visible (this process's clock). */
  welcomeMs: number;
  /** From `page.goto(link)` until "Start chat" is enabled, the terms checked and a name filled. */
  enabledMs: number;
  /**
   * The page's own clock, from its navigation start (Navigation Timing; a MutationObserver for
   * the heading), and when that start came after `page.goto` (comparing the two epoch clocks).
   */
  inPage: {
    navigationStartMs: number;
    domContentLoadedMs: number;
    loadMs: number;
    welcomeMs: number;
  };
  /**
   * From Playwright's `click()` call to the page's click event. The times "from the click" below
   * start at the page's click event; the request times are Chromium's own.
   */
  clickDispatchMs: number;
  /** Click on "Start chat" → `POST …/challenge` sent: the guest's keys and first message made. */
  clickToChallengeMs: number;
  /** `POST …/challenge` sent → answered. */
  challengeMs: number;
  /** Challenge answered → `POST …/claim` sent: the Worker started and solved the proof of work. */
  solveMs: number;
  /** The counter the proof found (attempts ≈ counter + 1); undefined if the body was unreadable. */
  proofCounter: number | undefined;
  /** `POST …/claim` sent → answered. */
  claimMs: number;
  /** Click on "Start chat" → the host's SDK client emits `guestJoined` (first message opened). */
  joinedMs: number;
  /** `POST …/claim` sent → `guestJoined`: the server's claim, its push and the host's decryption. */
  claimToHostMs: number;
  /** Click on "Start chat" → the guest's chat screen visible (measured after `guestJoined`). */
  chatShownMs: number;
  /** What the page fetched before the click (the first load), and after it. */
  beforeClick: TransferTally;
  afterClick: TransferTally;
  /**
   * CPU over the round, % of one core: the server, this process, Chromium, everything else (and
   * the largest of those other processes).
   */
  cpu: {
    serverPercent: number;
    benchPercent: number;
    chromiumPercent: number;
    otherPercent: number;
    others: { command: string; cpuPercent: number }[];
  };
  /** Console errors and uncaught exceptions of the page. */
  problems: string[];
}

/** A few rounds' spread of one figure. */
export interface Spread {
  count: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export interface GuestPageSummary {
  welcomeMs: Spread;
  enabledMs: Spread;
  inPageWelcomeMs: Spread;
  navigationStartMs: Spread;
  domContentLoadedMs: Spread;
  clickDispatchMs: Spread;
  clickToChallengeMs: Spread;
  challengeMs: Spread;
  solveMs: Spread;
  /** The solve time per 1,000 attempts: the proof's cost without the luck of its counter. */
  solveMsPer1000Attempts: Spread;
  claimMs: Spread;
  joinedMs: Spread;
  claimToHostMs: Spread;
  chatShownMs: Spread;
  /** HTML + JS + CSS bodies as transferred, before the click and after it. */
  firstLoadBytes: Spread;
  afterClickBytes: Spread;
}

export type GuestPageRecord =
  | { available: false; reason: string }
  | {
      available: true;
      chromiumVersion: string;
      viewport: { width: number; height: number };
      /** Unmeasured rounds run first (server caches, Chromium's first context). */
      warmupRounds: number;
      rounds: GuestPageRound[];
      summary: GuestPageSummary;
    };

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
  guestPage: GuestPageRecord | undefined;
  verdicts: Verdict[];
}
