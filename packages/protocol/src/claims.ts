import * as v from 'valibot';
import { ChatSummary, PublicUser } from './http.js';
import { MAX_HELLO_CHARS } from './limits.js';
import { ClientMessageId } from './primitives.js';
import { ClaimChallenge, type ClaimProof } from './proof-of-work.js';

/**
 * A guest's way in (docs/protocol.md, "Guests"): `POST /api/invites/:id/challenge` hands out a
 * proof-of-work challenge bound to the invite; `POST /api/invites/:id/claim` spends it with the
 * guest's first message, which the guest encrypted to the invite's keys with the link's
 * pre-shared key. The claim makes the guest, its token and the chat at once, or nothing.
 */

/** `POST /api/invites/:id/challenge` (no authentication). */
export const ChallengeResponse = v.object({
  challenge: ClaimChallenge,
  /**
   * The most keys a solver derives before it finds the answer (the counter is drawn below this):
   * lets a page show honest progress. Not signed, and not needed to solve.
   */
  maxAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});
export type ChallengeResponse = v.InferOutput<typeof ChallengeResponse>;

/** The guest's first message: an initial (PQXDH) message carrying its name, encrypted. */
export const HelloMessage = v.strictObject({
  clientMessageId: ClientMessageId,
  ciphertext: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(MAX_HELLO_CHARS),
    v.regex(/^[A-Za-z0-9_-]+$/),
  ),
});
export type HelloMessage = v.InferOutput<typeof HelloMessage>;

/**
 * `POST /api/invites/:id/claim` (no authentication). The proof is a `ClaimProof`; the server
 * parses it with the rest of the proof of work, so that a missing or malformed one is refused as
 * `proof_invalid` like any other bad proof.
 */
export const ClaimRequest = v.strictObject({
  proof: v.optional(v.unknown()),
  /**
   * Absent when the guest found the link gone (its bundle answered `invite_not_found`) and still
   * pressed on: the claim is only counted as refused, so that the host of a one-time link hears
   * that someone tried it again. The answer is `invite_not_found` either way.
   */
  hello: v.optional(HelloMessage),
});
export type ClaimRequest = Omit<v.InferOutput<typeof ClaimRequest>, 'proof'> & {
  proof: ClaimProof;
};

/** 201: the guest, its bearer token (shown once, valid for this chat only) and the chat. */
export const ClaimResponse = v.object({ user: PublicUser, token: v.string(), chat: ChatSummary });
export type ClaimResponse = v.InferOutput<typeof ClaimResponse>;
