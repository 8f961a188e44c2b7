import * as v from 'valibot';
import { InviteId } from './invites.js';
import { Timestamp } from './primitives.js';

/**
 * The proof of work a guest sends with a claim (T25): an ALTCHA v2 challenge in deterministic mode
 * and its solution. The server signs the challenge's parameters, and the derived key it expects
 * (`keySignature`), with HMAC, so checking a solution costs two HMACs and never a key derivation.
 * Every field is bounded: a hostile body cannot make verifying, or a hostile server solving, dear.
 */

/** The key derivation a challenge uses; both sides refuse any other. */
export const CLAIM_POW_ALGORITHM = 'PBKDF2/SHA-256';
/** Bytes of the derived key; the solver matches its first half (`keyPrefix`). */
export const CLAIM_POW_KEY_LENGTH = 32;
/** Most PBKDF2 iterations per attempt a challenge may ask for. */
export const MAX_CLAIM_POW_COST = 100_000;
/** ALTCHA v2 counters are unsigned 32-bit integers. */
export const MAX_CLAIM_POW_COUNTER = 0xffff_ffff;

/** Exactly `bytes` bytes as lowercase hex, as ALTCHA writes them. */
const Hex = (bytes: number) => v.pipe(v.string(), v.length(bytes * 2), v.regex(/^[0-9a-f]*$/));

/** ALTCHA's `parameters`, exactly as the server signed them: nothing more is allowed. */
const ClaimChallengeParameters = v.strictObject({
  algorithm: v.literal(CLAIM_POW_ALGORITHM),
  nonce: Hex(16),
  salt: Hex(16),
  cost: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CLAIM_POW_COST)),
  keyLength: v.literal(CLAIM_POW_KEY_LENGTH),
  keyPrefix: Hex(CLAIM_POW_KEY_LENGTH / 2),
  keySignature: Hex(32),
  /**
   * Signed with the rest: the invite the proof is for, and when it stops being accepted (ms since
   * the epoch, on the server's clock; not ALTCHA's own `expiresAt`, which it checks in seconds
   * against the wall clock).
   */
  data: v.strictObject({ inviteId: InviteId, expiresAt: Timestamp }),
});

/** What the server hands a guest before a claim: a fresh challenge bound to one invite. */
export const ClaimChallenge = v.strictObject({
  parameters: ClaimChallengeParameters,
  /** HMAC-SHA-256 of the parameters' canonical JSON. */
  signature: Hex(32),
});
export type ClaimChallenge = v.InferOutput<typeof ClaimChallenge>;

/** The counter the solver found and the key it derived from it. */
export const ClaimSolution = v.strictObject({
  counter: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CLAIM_POW_COUNTER)),
  derivedKey: Hex(CLAIM_POW_KEY_LENGTH),
});
export type ClaimSolution = v.InferOutput<typeof ClaimSolution>;

/** Sent with a claim: the challenge as received and its solution. Used once. */
export const ClaimProof = v.strictObject({
  challenge: ClaimChallenge,
  solution: ClaimSolution,
});
export type ClaimProof = v.InferOutput<typeof ClaimProof>;
