import {
  CLAIM_POW_ALGORITHM,
  CLAIM_POW_KEY_LENGTH,
  ClaimChallenge,
  ClaimProof,
  MAX_CLAIM_POW_COST,
} from '@knock/protocol/proof-of-work';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { KnockError } from './errors.js';
import { solveClaimChallenge } from './proof-of-work.js';

/*
 * The SDK may not import the server (.dependency-cruiser.cjs), so the round trip through the
 * server's ProofOfWork lives in apps/server/src/features/claims/proof-of-work.test.ts. Here the
 * challenges are made the way it makes them, with altcha directly.
 */
const SIGNATURE_SECRET = 'signature secret';
const KEY_SIGNATURE_SECRET = 'key signature secret';

async function challenge(counter: number, cost = 10): Promise<ClaimChallenge> {
  const made = await createChallenge({
    algorithm: CLAIM_POW_ALGORITHM,
    cost,
    keyLength: CLAIM_POW_KEY_LENGTH,
    counter,
    deriveKey,
    data: { inviteId: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAt: 1_700_000_000_000 },
    hmacSignatureSecret: SIGNATURE_SECRET,
    hmacKeySignatureSecret: KEY_SIGNATURE_SECRET,
  });
  return v.parse(ClaimChallenge, made);
}

describe('solveClaimChallenge', () => {
  it('finds the signed key, and the proof verifies', async () => {
    const proof = await solveClaimChallenge(await challenge(40));
    expect(v.is(ClaimProof, proof)).toBe(true);
    expect(proof.solution.counter).toBe(40);
    const result = await verifySolution({
      ...proof,
      deriveKey,
      hmacSignatureSecret: SIGNATURE_SECRET,
      hmacKeySignatureSecret: KEY_SIGNATURE_SECRET,
    });
    expect(result.verified).toBe(true);
  });

  it('refuses a challenge out of bounds without working on it', async () => {
    const dear = await challenge(1);
    dear.parameters.cost = MAX_CLAIM_POW_COST + 1;
    const error = await solveClaimChallenge(dear).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnockError);
    expect(error).toMatchObject({ code: 'proof_invalid', status: 0 });
  });

  it('stops with the signal', async () => {
    const reason = new Error('left the page');
    const before = new AbortController();
    before.abort(reason);
    await expect(solveClaimChallenge(await challenge(1), { signal: before.signal })).rejects.toBe(
      reason,
    );

    const during = new AbortController();
    // Far out of reach at one iteration per attempt, until the signal fires.
    const solving = solveClaimChallenge(await challenge(2 ** 31, 1), { signal: during.signal });
    setTimeout(() => during.abort(reason), 50);
    await expect(solving).rejects.toBe(reason);
  });
});
