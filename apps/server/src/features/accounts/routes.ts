import { RegisterRequest } from '@knock/protocol/http';
import type { FastifyInstance } from 'fastify';
import { parseBody } from '../../platform/http/validate.js';
import type { AccountsService } from './service.js';

export function registerAccountRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.post('/api/users', async (request, reply) => {
    const body = parseBody(RegisterRequest, request.body);
    const user = await accounts.register(body, request.ip);
    return reply.status(201).send({ user });
  });
}
