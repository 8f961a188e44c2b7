/** Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, 2015). */

export interface BackoffOptions {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
  /** A connection that stayed up this long resets the attempt counter. */
  stableAfterMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, capMs: 30_000, stableAfterMs: 10_000 };

/** The largest delay attempt `attempt` (0-based) may wait: `min(cap, base · 2^attempt)`. */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  return Math.min(options.capMs, options.baseMs * 2 ** exponent);
}

/** A uniformly random delay in [0, ceiling); `random` returns values in [0, 1) like Math.random. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(attempt, options));
}
