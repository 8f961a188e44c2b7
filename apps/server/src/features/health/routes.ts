import type { FastifyInstance } from 'fastify';
import { errorBody } from '../../platform/errors.js';
import type { Metrics } from '../../platform/metrics.js';

export interface HealthDeps {
  metrics: Metrics;
  /** True when storage (and Redis, if configured) answer and the node is not shutting down. */
  ready(): Promise<boolean>;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    if (await deps.ready()) return { status: 'ready' };
    return reply.status(503).send(errorBody('not_ready', request.id));
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
