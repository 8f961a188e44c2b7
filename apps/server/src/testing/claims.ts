import { randomBytes } from 'node:crypto';
import {
  KEY_AGREEMENT_LENGTH,
  MESSAGE_TYPE,
  RATCHET_HEADER_LENGTH,
  TAG_LENGTH,
} from '@knock/crypto/wire-sizes';
import type { ChallengeResponse, ClaimResponse } from '@knock/protocol/claims';
import type { InviteResponse } from '@knock/protocol/invites';
import type { ClaimProof } from '@knock/protocol/proof-of-work';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { createInviteBody } from './invite-bundles.js';
import { api } from './raw-client.js';

/** Server settings that make a claim's proof of work take a few PBKDF2 iterations. */
export const CHEAP_PROOF_ENV = {
  KNOCK_POW_COST: '1',
  KNOCK_POW_COUNTER_MIN: '1',
  KNOCK_POW_COUNTER_MAX: '4',
};

/**
 * Bytes shaped like a wire message carrying `content` padded bytes: an initial message (with the
 * key agreement) or a ratchet message, random inside. The server measures, never decrypts.
 */
export function wireMessage(kind: 'initial' | 'ratchet', content = 64): string {
  const agreement = kind === 'initial' ? KEY_AGREEMENT_LENGTH : 0;
  const bytes = randomBytes(agreement + RATCHET_HEADER_LENGTH + content + TAG_LENGTH);
  bytes[0] = 1;
  bytes[1] = MESSAGE_TYPE[kind];
  return bytes.toString('base64url');
}

/** Asks the server for a challenge on `inviteId` and solves it. */
export async function solvedProof(base: string, inviteId: string): Promise<ClaimProof> {
  const issued = await api<ChallengeResponse>(base, 'POST', `/api/invites/${inviteId}/challenge`);
  if (issued.status !== 200) throw new Error(`challenge: ${issued.status}`);
  const { challenge } = issued.body;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution');
  return { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } };
}

let helloCount = 0;

/** A claim of `inviteId` with a fresh proof (unless given) and a first message. */
export async function claim(
  base: string,
  inviteId: string,
  options: { proof?: unknown; headers?: Record<string, string> } = {},
) {
  const proof = 'proof' in options ? options.proof : await solvedProof(base, inviteId);
  return api<ClaimResponse & { code?: string }>(base, 'POST', `/api/invites/${inviteId}/claim`, {
    body: {
      proof,
      hello: {
        clientMessageId: `hello-message-${++helloCount}`,
        ciphertext: wireMessage('initial'),
      },
    },
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** A host's new link (one-time unless told) claimed by a guest: the guest's answer. */
export async function guestOf(
  base: string,
  hostToken: string,
  options: Parameters<typeof createInviteBody>[0] = {},
): Promise<{ inviteId: string; guest: ClaimResponse }> {
  const body = createInviteBody(options);
  const created = await api<InviteResponse>(base, 'POST', '/api/invites', {
    token: hostToken,
    body,
  });
  if (created.status !== 201) throw new Error(`create invite: ${created.status}`);
  const claimed = await claim(base, body.inviteId);
  if (claimed.status !== 201) throw new Error(`claim: ${claimed.status} ${claimed.body.code}`);
  return { inviteId: body.inviteId, guest: claimed.body };
}
