import { hkdfSync, randomInt } from 'node:crypto';
import {
  CLAIM_POW_ALGORITHM,
  CLAIM_POW_KEY_LENGTH,
  ClaimChallenge,
  ClaimProof,
  MAX_CLAIM_POW_COST,
  MAX_CLAIM_POW_COUNTER,
} from '@knock/protocol/proof-of-work';
import { InviteId } from '@knock/protocol/invites';
import { createChallenge, verifySolution, type DeriveKeyFunction } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import * as v from 'valibot';
import type { ReplayStore } from './replay-store.js';

export interface ProofOfWorkOptions {
  /** HMAC secret shared by every node (≥ 32 bytes). */
  secret: string;
  /** PBKDF2-SHA-256 iterations per attempt (at most MAX_CLAIM_POW_COST). */
  cost: number;
  /**
   * The counter that solves a challenge is drawn uniformly from [counterMin, counterMax]; the
   * solver tries 0, 1, 2… so it derives (counterMin + counterMax) / 2 keys on average.
   */
  counterMin: number;
  counterMax: number;
  /** How long a challenge stays valid. */
  ttlMs: number;
  /** The server clock (ms); expiry uses it, not Date.now. */
  now: () => number;
}

/**
 * Production difficulty: 500 to 1 500 PBKDF2-SHA-256 derivations of 1 000 iterations each, about
 * a million iterations on average. Node 20 on a small 2-vCPU VM solved one in 0.14 to 0.44 s
 * (mean 0.29 s) through WebCrypto; a phone browser, assumed about three times slower, should take
 * 0.5 to 1.5 s. Issuing costs one derivation (under a millisecond), verifying none.
 */
export const PROOF_OF_WORK_DEFAULTS = {
  cost: 1_000,
  counterMin: 500,
  counterMax: 1_500,
  ttlMs: 5 * 60_000,
} as const satisfies Partial<ProofOfWorkOptions>;

export type ProofRefusal =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'wrong_invite'
  | 'wrong_solution'
  | 'replayed';

export type ProofVerdict = { ok: true } | { ok: false; reason: ProofRefusal };

/** Verifying goes through the key signature; a key derivation there would be a bug, so refuse. */
const neverDerive: DeriveKeyFunction = () =>
  Promise.reject(new Error('verifying a claim proof never derives a key'));

/** An altcha secret of its own for each use, from the one shared secret. */
function subSecret(secret: string, label: string): string {
  return Buffer.from(
    hkdfSync('sha256', secret, '', `knock claim proof-of-work: ${label}`, 32),
  ).toString('hex');
}

/**
 * Proofs of work for guest-link claims (T25): stateless challenges bound to an invite by the
 * signature, single-use proofs through the replay store.
 */
export class ProofOfWork {
  private readonly signatureSecret: string;
  private readonly keySignatureSecret: string;

  /** Keys a solver derives at most: it tries counters 0, 1, … up to `counterMax`. */
  get maxAttempts(): number {
    return this.options.counterMax + 1;
  }

  constructor(
    private readonly options: ProofOfWorkOptions,
    private readonly replay: ReplayStore,
  ) {
    const { secret, cost, counterMin, counterMax, ttlMs } = options;
    if (Buffer.byteLength(secret, 'utf8') < 32) throw new RangeError('secret must be ≥ 32 bytes');
    const integer = (n: number, min: number, max: number) =>
      Number.isSafeInteger(n) && n >= min && n <= max;
    if (!integer(cost, 1, MAX_CLAIM_POW_COST)) throw new RangeError('cost is out of range');
    if (
      !integer(counterMin, 1, MAX_CLAIM_POW_COUNTER) ||
      !integer(counterMax, counterMin, MAX_CLAIM_POW_COUNTER)
    ) {
      throw new RangeError('need 1 ≤ counterMin ≤ counterMax ≤ 2^32 - 1');
    }
    if (!integer(ttlMs, 1, Number.MAX_SAFE_INTEGER)) throw new RangeError('ttlMs is out of range');
    this.signatureSecret = subSecret(secret, 'signature');
    this.keySignatureSecret = subSecret(secret, 'key signature');
  }

  /** A fresh challenge bound to this invite id: stateless, and blind to whether it exists. */
  async issue(inviteId: string): Promise<ClaimChallenge> {
    if (!v.is(InviteId, inviteId)) throw new TypeError('not an invite id');
    const { cost, counterMin, counterMax, ttlMs, now } = this.options;
    const challenge = await createChallenge({
      algorithm: CLAIM_POW_ALGORITHM,
      cost,
      keyLength: CLAIM_POW_KEY_LENGTH,
      counter: randomInt(counterMin, counterMax + 1),
      deriveKey,
      data: { inviteId, expiresAt: now() + ttlMs },
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySignatureSecret,
    });
    return v.parse(ClaimChallenge, challenge);
  }

  /** Verifies and, only when everything else passes, marks the challenge used (single use). */
  async verify(inviteId: string, proof: unknown): Promise<ProofVerdict> {
    if (proof === undefined || proof === null) return refuse('missing');
    const parsed = v.safeParse(ClaimProof, proof);
    if (!parsed.success) return refuse('malformed');
    const { challenge, solution } = parsed.output;
    // Two HMACs: the parameters' signature, then the derived key's. No expiresAt in the
    // parameters, so altcha's wall-clock expiry check does not apply; ours follows.
    const result = await verifySolution({
      challenge,
      solution,
      deriveKey: neverDerive,
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySignatureSecret,
    });
    if (result.invalidSignature !== false) return refuse('bad_signature');
    const { data, nonce } = challenge.parameters;
    if (data.inviteId !== inviteId) return refuse('wrong_invite');
    if (data.expiresAt <= this.options.now()) return refuse('expired');
    if (!result.verified) return refuse('wrong_solution');
    // The nonce is random and signed: one key per challenge, kept for at least its lifetime.
    if (!(await this.replay.markUsed(nonce, this.options.ttlMs))) return refuse('replayed');
    return { ok: true };
  }
}

function refuse(reason: ProofRefusal): ProofVerdict {
  return { ok: false, reason };
}
