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
  scenario: 'throughput' | 'latency';
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
  verdicts: Verdict[];
}
