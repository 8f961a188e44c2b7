import type { FastifyReply } from 'fastify';
import { errorBody } from '../../platform/errors.js';

/**
 * Unknown, revoked, expired and used-up invites all get this one body, without a request id, so
 * that the answers are the same byte for byte (T23), whether the bundle was asked for or a claim.
 */
const NOT_FOUND = JSON.stringify(errorBody('invite_not_found'));

export function sendInviteNotFound(reply: FastifyReply): FastifyReply {
  return reply
    .status(404)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(NOT_FOUND);
}
