import { ClaimChallenge, type ClaimProof } from '@knock/protocol/proof-of-work';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import * as v from 'valibot';
import { KnockError } from './errors.js';

/** The part of an `AbortSignal` used here, typed by hand as in platform.ts. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(reason?: unknown): void;
}

const host = globalThis as unknown as { AbortController: new () => AbortControllerLike };

/** Give up after this long: the server's challenges take about a second. */
const SOLVE_TIMEOUT_MS = 60_000;

export interface SolveOptions {
  signal?: AbortSignalLike;
  /** Called after each key derived, with how many so far: a page turns it into progress. */
  onAttempt?: (attempts: number, maxAttempts: number | undefined) => void;
  /** The most keys this challenge takes, when the server said (`ChallengeResponse`). */
  maxAttempts?: number;
}

/** Solves a claim challenge: on this thread by default, in a Worker in browsers. */
export type ProofSolver = (
  challenge: ClaimChallenge,
  options?: SolveOptions,
) => Promise<ClaimProof>;

/**
 * Solves a claim's proof of work (see `@knock/protocol/proof-of-work`) on this thread with
 * WebCrypto's PBKDF2, yielding to the event loop as it goes. Rejects with the signal's reason when
 * aborted, with `timeout` when it takes too long and with `proof_invalid` when the challenge is
 * not one this client will solve.
 */
export const solveClaimChallenge: ProofSolver = async (challenge, options) => {
  const signal = options?.signal;
  if (signal?.aborted) throw signal.reason;
  const parsed = v.safeParse(ClaimChallenge, challenge);
  if (!parsed.success) throw new KnockError('proof_invalid', undefined, 0);
  const controller = new host.AbortController();
  const abort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', abort);
  try {
    let attempts = 0;
    const onAttempt = options?.onAttempt;
    const solution = await solveChallenge({
      challenge: parsed.output,
      deriveKey: onAttempt
        ? async (...args: Parameters<typeof deriveKey>) => {
            const key = await deriveKey(...args);
            onAttempt(++attempts, options?.maxAttempts);
            return key;
          }
        : deriveKey,
      controller,
      timeout: SOLVE_TIMEOUT_MS,
    });
    if (signal?.aborted) throw signal.reason;
    if (solution === null) throw new KnockError('timeout');
    return {
      challenge: parsed.output,
      solution: { counter: solution.counter, derivedKey: solution.derivedKey },
    };
  } finally {
    signal?.removeEventListener('abort', abort);
  }
};
