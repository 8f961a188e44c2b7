import {
  CreateInviteRequest,
  type InviteBundleResponse,
  type InviteListResponse,
  type RevokeAllResponse,
} from '@knock/protocol/invites';
import type { FastifyInstance } from 'fastify';
import { parseBody } from '../../platform/http/validate.js';
import type { HttpAuth } from '../auth/http-auth.js';
import { sendInviteNotFound } from './not-found.js';
import type { InvitesService } from './service.js';

/** An invite bundle carries an ML-KEM-768 public key (1,184 bytes): more than most bodies. */
const INVITE_BODY_LIMIT = 16 * 1024;

/** Guest links' HTTP API (docs/protocol.md, "Invites"). */
export function registerInviteRoutes(
  app: FastifyInstance,
  invites: InvitesService,
  httpAuth: HttpAuth,
) {
  app.post('/api/invites', { bodyLimit: INVITE_BODY_LIMIT }, async (request, reply) => {
    const { userId } = await httpAuth.require(request);
    const invite = await invites.create(userId, parseBody(CreateInviteRequest, request.body));
    return reply.status(201).send({ invite });
  });

  app.get('/api/invites', async (request): Promise<InviteListResponse> => {
    const { userId } = await httpAuth.require(request);
    return { invites: await invites.list(userId) };
  });

  app.delete<{ Params: { id: string } }>('/api/invites/:id', async (request, reply) => {
    const { userId } = await httpAuth.require(request);
    await invites.revoke(userId, request.params.id);
    return reply.status(204).send();
  });

  app.delete('/api/invites', async (request): Promise<RevokeAllResponse> => {
    const { userId } = await httpAuth.require(request);
    return { revoked: await invites.revokeAll(userId) };
  });

  // Public: a guest's page fetches the bundle before anyone has an account. Nothing here claims
  // the invite (link scanners and previews open links too, T24), and every invite a guest cannot
  // use gets the same answer (T23).
  app.get<{ Params: { id: string } }>('/api/invites/:id/bundle', async (request, reply) => {
    const bundle = await invites.bundle(request.params.id, request.ip);
    reply.header('cache-control', 'no-store');
    if (bundle === undefined) return sendInviteNotFound(reply);
    const body: InviteBundleResponse = { bundle };
    return reply.send(body);
  });
}
