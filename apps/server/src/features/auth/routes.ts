import {
  CreateTokenRequest,
  LoginRequest,
  type SessionResponse,
  type TokenResponse,
} from '@knock/protocol/http';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { parseBody } from '../../platform/http/validate.js';
import { publicUser, type AccountsService } from '../accounts/service.js';
import { serializeSessionCookie } from './cookies.js';
import type { HttpAuth } from './http-auth.js';
import { SESSION_TTL_MS, type AuthService } from './service.js';

export interface AuthRoutesDeps {
  accounts: AccountsService;
  auth: AuthService;
  httpAuth: HttpAuth;
  secure: boolean;
  /** A session was revoked: its open WebSockets, on every node, must close. */
  revoked: (userId: string, tokenHash: string) => void;
}

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  const { accounts, auth, httpAuth, secure } = deps;

  // Browsers: sign in with a password, get an HttpOnly cookie and the CSRF token.
  app.post('/api/session', async (request, reply): Promise<SessionResponse> => {
    const body = parseBody(LoginRequest, request.body);
    const user = await accounts.verifyCredentials(body.username, body.password, request.ip);
    const session = await auth.createSession(user.id, 'cookie', null);
    reply.header(
      'set-cookie',
      serializeSessionCookie(
        httpAuth.cookieName,
        session.token,
        SESSION_TTL_MS.cookie / 1000,
        secure,
      ),
    );
    return { user: publicUser(user), csrfToken: session.csrfToken };
  });

  app.get('/api/session', async (request): Promise<SessionResponse> => {
    const principal = await httpAuth.require(request);
    const user = await accounts.get(principal.userId);
    if (!user) throw new AppError('unauthorized');
    return { user: publicUser(user), csrfToken: principal.csrfToken ?? '' };
  });

  // Signs out: ends a cookie session, or revokes the bearer token used for the call.
  // A guest may revoke its own token too (T38): it leaves the chat to expire, unlike ending it.
  app.delete('/api/session', async (request, reply) => {
    const principal = await httpAuth.require(request, { allowGuest: true });
    await auth.revoke(principal);
    deps.revoked(principal.userId, principal.tokenHash);
    if (principal.kind === 'cookie') {
      reply.header('set-cookie', serializeSessionCookie(httpAuth.cookieName, '', 0, secure));
    }
    return reply.status(204).send();
  });

  // Scripts and the CLI: exchange a password for a bearer token.
  app.post('/api/tokens', async (request, reply): Promise<TokenResponse> => {
    const body = parseBody(CreateTokenRequest, request.body);
    const user = await accounts.verifyCredentials(body.username, body.password, request.ip);
    const session = await auth.createSession(user.id, 'bearer', body.label ?? null);
    reply.status(201);
    return { user: publicUser(user), token: session.token };
  });
}
