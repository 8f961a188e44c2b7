import { ClaimRequest } from '@knock/protocol/claims';
import { ID_PATTERN } from '@knock/protocol/limits';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { parseBody } from '../../platform/http/validate.js';
import { sendInviteNotFound } from '../invites/not-found.js';
import type { ClaimsService } from './service.js';

/** A claim carries the first message (an ML-KEM ciphertext among it) and the proof of work. */
const CLAIM_BODY_LIMIT = 16 * 1024;

/**
 * A guest's way in (docs/protocol.md, "Guests"). Both are POSTs: a link scanner's GET never
 * reaches them (T24), and the origin check refuses other sites' forms (T37).
 */
export function registerClaimRoutes(app: FastifyInstance, claims: ClaimsService): void {
  app.post<{ Params: { id: string } }>('/api/invites/:id/challenge', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return claims.challenge(inviteIdOf(request.params), request.ip);
  });

  app.post<{ Params: { id: string } }>(
    '/api/invites/:id/claim',
    { bodyLimit: CLAIM_BODY_LIMIT },
    async (request, reply) => {
      const body = parseBody(ClaimRequest, request.body);
      try {
        const claimed = await claims.claim(inviteIdOf(request.params), body, request.ip);
        return await reply.status(201).header('cache-control', 'no-store').send(claimed);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invite_not_found') {
          return sendInviteNotFound(reply);
        }
        throw error;
      }
    },
  );
}

/** A malformed id is no invite either: the same answer as any other (T23). */
function inviteIdOf(params: { id: string }): string {
  if (!ID_PATTERN.test(params.id)) throw new AppError('invite_not_found');
  return params.id;
}
