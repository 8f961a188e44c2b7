/** The issue's targets, judged against what a run measured (pure). */

export interface ThroughputFigures {
  bareDeliveredPerSecond: number;
  knockDeliveredPerSecond: number;
}

export interface LatencyFigures {
  rate: number;
  pairs: number;
  deliveredPerSecond: number;
  p99: number;
  undelivered: number;
  errors: number;
  /** p99 of the references at the same rate, when they ran: the bare relay, and `bare+db`. */
  bareP99?: number | undefined;
  floorP99?: number | undefined;
}

export interface IdleFigures {
  requested: number;
  opened: number;
  perConnectionKiB: number;
}

export interface Verdict {
  goal: string;
  measured: string;
  met: boolean;
  /** False when the run used other sizes than the goal names (e.g. --quick). */
  comparable: boolean;
}

export const THROUGHPUT_RATIO_GOAL = 0.6;
/** p99 limits by aggregate rate, over 1,000 pairs. */
export const LATENCY_GOALS: readonly { rate: number; p99Ms: number }[] = [
  { rate: 5000, p99Ms: 10 },
  { rate: 20_000, p99Ms: 50 },
];
export const LATENCY_GOAL_PAIRS = 1000;
export const IDLE_GOAL_CONNECTIONS = 10_000;
export const IDLE_GOAL_KIB = 10;
/** A latency figure only counts if the rate was actually carried. */
export const RATE_TOLERANCE = 0.95;

export function judgeThroughput(figures: ThroughputFigures): Verdict {
  const ratio = figures.knockDeliveredPerSecond / figures.bareDeliveredPerSecond;
  return {
    goal: `acked durable delivery ≥ ${THROUGHPUT_RATIO_GOAL * 100}% of the bare relay`,
    measured: `${(ratio * 100).toFixed(1)}% (${Math.round(figures.knockDeliveredPerSecond)} vs ${Math.round(figures.bareDeliveredPerSecond)} msg/s)`,
    met: Number.isFinite(ratio) && ratio >= THROUGHPUT_RATIO_GOAL,
    comparable: true,
  };
}

export function judgeLatency(figures: LatencyFigures): Verdict | undefined {
  const goal = LATENCY_GOALS.find((g) => g.rate === figures.rate);
  if (!goal) return undefined;
  const carried = figures.deliveredPerSecond >= goal.rate * RATE_TOLERANCE;
  const clean = figures.undelivered === 0 && figures.errors === 0;
  const notes = [
    carried ? undefined : `carried only ${Math.round(figures.deliveredPerSecond)} msg/s`,
    figures.undelivered > 0 ? `${figures.undelivered} undelivered` : undefined,
    figures.errors > 0 ? `${figures.errors} errors` : undefined,
    figures.bareP99 === undefined ? undefined : `bare relay ${figures.bareP99.toFixed(1)} ms`,
    figures.floorP99 === undefined
      ? undefined
      : `bare relay with Knock's storage beside it ${figures.floorP99.toFixed(1)} ms`,
  ].filter((n) => n !== undefined);
  return {
    goal: `p99 ≤ ${goal.p99Ms} ms at ${goal.rate.toLocaleString('en-US')} msg/s over ${LATENCY_GOAL_PAIRS.toLocaleString('en-US')} pairs`,
    measured: `p99 ${figures.p99.toFixed(1)} ms${notes.length ? ` (${notes.join(', ')})` : ''}`,
    met: figures.p99 <= goal.p99Ms && carried && clean,
    comparable: figures.pairs === LATENCY_GOAL_PAIRS,
  };
}

export function judgeIdle(figures: IdleFigures): Verdict {
  const all = figures.opened === figures.requested;
  return {
    goal: `${IDLE_GOAL_CONNECTIONS.toLocaleString('en-US')} idle connections at ≤ ${IDLE_GOAL_KIB} KiB RSS each`,
    measured: `${figures.perConnectionKiB.toFixed(1)} KiB each (${figures.opened}/${figures.requested} open)`,
    met: all && figures.perConnectionKiB <= IDLE_GOAL_KIB,
    comparable: figures.requested >= IDLE_GOAL_CONNECTIONS,
  };
}

/** Encrypt + decrypt of one message in Chromium with the WebCrypto backend. */
export const CRYPTO_GOAL_MICROS = 500;
export const CRYPTO_GOAL_BYTES = 160;
export const CRYPTO_GOAL_RUNS = 5;

export interface CryptoFigures {
  /** Median µs per message of each pattern at {@link CRYPTO_GOAL_BYTES}; empty if not measured. */
  chromiumWebCrypto: readonly { pattern: string; micros: number }[];
  /** Why there is no Chromium WebCrypto figure, when there is none. */
  missing: string | undefined;
  runs: number;
}

export function judgeCrypto(figures: CryptoFigures): Verdict {
  const goal = `encrypt + decrypt ≤ ${CRYPTO_GOAL_MICROS / 1000} ms per ${CRYPTO_GOAL_BYTES}-byte message in Chromium (WebCrypto backend)`;
  const measured = figures.chromiumWebCrypto.map((f) => `${f.pattern} ${f.micros.toFixed(0)} µs`);
  return {
    goal,
    measured:
      measured.length > 0
        ? `${measured.join(', ')} (median of ${figures.runs} runs)`
        : `not measured: ${figures.missing ?? 'no figures'}`,
    met:
      measured.length > 0 && figures.chromiumWebCrypto.every((f) => f.micros <= CRYPTO_GOAL_MICROS),
    comparable: figures.runs >= CRYPTO_GOAL_RUNS,
  };
}
