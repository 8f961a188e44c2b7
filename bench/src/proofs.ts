import { performance } from 'node:perf_hooks';
import type { ChallengeResponse } from '@knock/protocol/claims';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { ClaimTask } from './claim-load.js';

/**
 * Proofs of work for guest claims, solved before any claim is timed: solving is the guest's cost,
 * not the server's. Each challenge comes from the server (production difficulty: the benchmark
 * leaves KNOCK_POW_* unset) just before it is solved, so that it is as fresh as possible when it
 * is spent (a challenge lives 5 minutes). The server's signing secret is kept in the database, so
 * another server process on the same file accepts the proofs.
 */
export interface SolvedProofs {
  tasks: ClaimTask[];
  /** ms to solve one proof with nothing else running, for the first few, solved one at a time. */
  aloneMs: number[];
  /** Proofs solved per second after those, `concurrency` at once (all cores); NaN for none. */
  perSecond: number;
  /** Seconds the whole batch took, challenges included. */
  seconds: number;
}

/**
 * Solves one proof for each link of `inviteIds`, in order; the first `alone` one at a time. Stops
 * taking new ones `deadlineSeconds` after it started (on a machine busier than expected, the
 * first proofs would otherwise expire before they are spent): the proofs returned are then the
 * first ones of the list, in order.
 */
export async function solveProofs(
  httpUrl: string,
  inviteIds: readonly string[],
  options: { alone: number; concurrency: number; deadlineSeconds: number },
): Promise<SolvedProofs> {
  const count = inviteIds.length;
  const started = performance.now();
  const deadline = started + options.deadlineSeconds * 1000;
  const aloneMs: number[] = [];
  const solveOne = async (i: number): Promise<{ task: ClaimTask; ms: number }> => {
    const inviteId = inviteIds[i] as string;
    const response = await fetch(`${httpUrl}/api/invites/${inviteId}/challenge`, {
      method: 'POST',
    });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`challenge: ${response.status} ${text.slice(0, 200)}`);
    }
    const { challenge } = JSON.parse(text) as ChallengeResponse;
    const t0 = performance.now();
    const solution = await solveChallenge({ challenge, deriveKey });
    const ms = performance.now() - t0;
    if (!solution) throw new Error('a proof of work was not solved in time');
    const proof = {
      challenge,
      solution: { counter: solution.counter, derivedKey: solution.derivedKey },
    };
    return { task: { inviteId, proof }, ms };
  };
  const tasks: ClaimTask[] = [];
  let next = 0;
  while (next < Math.min(options.alone, count) && performance.now() < deadline) {
    const { task, ms } = await solveOne(next++);
    tasks.push(task);
    aloneMs.push(ms);
  }
  // Each solver takes the next index until the deadline: what is solved is a prefix of the list.
  const parallelStarted = performance.now();
  const first = next;
  const solved: ClaimTask[] = [];
  const solver = async () => {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      solved[i - first] = (await solveOne(i)).task;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, solver));
  const parallelSeconds = (performance.now() - parallelStarted) / 1000;
  tasks.push(...solved);
  return {
    tasks,
    aloneMs,
    perSecond: solved.length > 0 ? solved.length / parallelSeconds : Number.NaN,
    seconds: (performance.now() - started) / 1000,
  };
}
