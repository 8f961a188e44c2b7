import { CSRF_HEADER } from '@knock/protocol/limits';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { readCookie, sessionCookieName } from './cookies.js';
import type { AuthService, Principal } from './service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface HttpAuth {
  /**
   * The caller's principal, or throws `unauthorized`. Enforces CSRF for cookie sessions. A guest
   * may call only what its one chat needs: elsewhere it gets `forbidden` unless `allowGuest`.
   */
  require(request: FastifyRequest, options?: { allowGuest?: boolean }): Promise<Principal>;
  /** Reads a principal from the request if one is present (no CSRF check). */
  read(request: FastifyRequest): Promise<Principal | undefined>;
  readonly cookieName: string;
}

/**
 * Bearer tokens (CLI, SDK) and session cookies (browsers). A cookie-authenticated state change
 * must carry the session's CSRF token in a header; on top of that, any state-changing request
 * whose Origin is another site is refused outright (T37).
 */
export function createHttpAuth(
  app: FastifyInstance,
  auth: AuthService,
  publicOrigin: string,
  secure: boolean,
): HttpAuth {
  const cookieName = sessionCookieName(secure);

  app.addHook('onRequest', (request, _reply, done) => {
    if (SAFE_METHODS.has(request.method)) return done();
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== publicOrigin) || site === 'cross-site') {
      return done(new AppError('origin_not_allowed'));
    }
    done();
  });

  async function read(request: FastifyRequest): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header);
      return match?.[1] ? auth.authenticate(match[1], 'bearer') : undefined;
    }
    const cookie = readCookie(request.headers.cookie, cookieName);
    return cookie ? auth.authenticate(cookie, 'cookie') : undefined;
  }

  return {
    cookieName,
    read,
    async require(request, options = {}) {
      const principal = await read(request);
      if (!principal) throw new AppError('unauthorized');
      if (principal.kind === 'guest' && options.allowGuest !== true) {
        throw new AppError('forbidden');
      }
      if (principal.kind === 'cookie' && !SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || sent !== principal.csrfToken)
          throw new AppError('csrf_failed');
      }
      return principal;
    },
  };
}
