import type { Clock } from '../../platform/clock.js';
import { hashSecret, newSecret } from '../../platform/ids.js';
import type { SessionRow, SessionsRepository } from './repository.js';

const DAY = 86_400_000;
/** A guest's token lives as long as its chat, which ends it sooner (expiry, end, block). */
export const SESSION_TTL_MS = { cookie: 30 * DAY, bearer: 365 * DAY, guest: 365 * DAY } as const;

/** How a token was presented: as the session cookie, or in an `Authorization: Bearer` header. */
export type Presented = 'cookie' | 'bearer';

export interface Principal {
  userId: string;
  kind: SessionRow['kind'];
  tokenHash: string;
  /** Present for cookie sessions: what state-changing requests must echo. */
  csrfToken: string | undefined;
}

/** Sessions are random 256-bit secrets held by the client and stored only as hashes. */
export class AuthService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {}

  async createSession(
    userId: string,
    kind: SessionRow['kind'],
    label: string | null,
  ): Promise<{ token: string; csrfToken: string; expiresAt: number }> {
    const token = newSecret();
    const now = this.clock.now();
    const expiresAt = now + SESSION_TTL_MS[kind];
    await this.sessions.create({
      tokenHash: hashSecret(token, 'session'),
      userId,
      kind,
      label,
      createdAt: now,
      expiresAt,
    });
    return { token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  /**
   * The principal a token stands for, if it is a live session presented the way its kind is
   * (guest tokens are bearer tokens).
   */
  async authenticate(token: string, presented: Presented): Promise<Principal | undefined> {
    if (token.length === 0 || token.length > 128) return undefined;
    const tokenHash = hashSecret(token, 'session');
    const session = await this.sessions.findLive(tokenHash, this.clock.now());
    if (!session) return undefined;
    const { kind } = session;
    if (kind !== presented && !(kind === 'guest' && presented === 'bearer')) return undefined;
    return {
      userId: session.userId,
      kind,
      tokenHash,
      csrfToken: kind === 'cookie' ? csrfTokenFor(token) : undefined,
    };
  }

  async revoke(principal: Principal): Promise<void> {
    await this.sessions.delete(principal.tokenHash);
  }

  async deleteExpired(): Promise<number> {
    return this.sessions.deleteExpired(this.clock.now());
  }
}

/** Derived from the session secret: only a holder of the cookie's value can compute it. */
function csrfTokenFor(token: string): string {
  return hashSecret(token, 'csrf');
}
