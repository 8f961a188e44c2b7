import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@knock/protocol/errors';
import { WS_BEARER_SUBPROTOCOL_PREFIX } from '@knock/protocol/limits';
import { AppError } from '../../platform/errors.js';
import type { Limits } from '../../platform/config.js';
import type { Metrics } from '../../platform/metrics.js';
import type { Limiter } from '../../platform/rate-limit.js';
import { readCookie } from '../auth/cookies.js';
import type { AuthService, Principal } from '../auth/service.js';

/**
 * Decides an upgrade before any WebSocket state exists (T33, T36): connection caps per IP and in
 * total, an upgrade rate per IP, the allowed origin, and a live session. A refused attempt costs
 * one HTTP response.
 */
export class UpgradeGuard {
  private readonly perIp = new Map<string, number>();
  private total = 0;
  private readonly principals = new WeakMap<FastifyRequest, Principal>();

  constructor(
    private readonly limits: Limits,
    private readonly upgradeRate: Limiter,
    private readonly auth: AuthService,
    private readonly cookieName: string,
    private readonly publicOrigin: string,
    private readonly metrics: Metrics,
  ) {}

  readonly check = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const refusal = await this.refusal(request);
    if (refusal === undefined) return;
    this.metrics.refusedUpgrades.inc({ reason: refusal });
    const error = new AppError(refusal);
    await reply.status(error.status).send(error.body(request.id));
  };

  principal(request: FastifyRequest): Principal | undefined {
    return this.principals.get(request);
  }

  private take(ip: string): void {
    this.total++;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
  }

  private release(ip: string): void {
    this.total--;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, left);
  }

  private async refusal(request: FastifyRequest): Promise<ErrorCode | undefined> {
    const ip = request.ip;
    if (this.total >= this.limits.connectionsTotal) return 'slow_down';
    if ((this.perIp.get(ip) ?? 0) >= this.limits.connectionsPerIp) return 'too_many_connections';
    // Take the slot before awaiting anything: otherwise concurrent upgrades from one IP all pass
    // the cap while their sessions are looked up. It is given back when the attempt is refused,
    // or when its socket closes, however the connection ends (also if it never upgrades).
    this.take(ip);
    let refusal: ErrorCode | undefined;
    try {
      refusal = await this.admission(request);
    } catch (error) {
      this.release(ip);
      throw error;
    }
    const socket = request.raw.socket;
    if (refusal !== undefined) this.release(ip);
    else if (socket.destroyed) this.release(ip);
    else socket.once('close', () => this.release(ip));
    return refusal;
  }

  private async admission(request: FastifyRequest): Promise<ErrorCode | undefined> {
    if (!(await this.upgradeRate.consume(request.ip))) return 'too_many_connections';
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.publicOrigin) return 'origin_not_allowed';
    const principal = await this.authenticate(request, origin !== undefined);
    if (!principal) return 'unauthorized';
    this.principals.set(request, principal);
    return undefined;
  }

  private async authenticate(
    request: FastifyRequest,
    fromBrowser: boolean,
  ): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header)?.[1];
      return token ? this.auth.authenticate(token, 'bearer') : undefined;
    }
    // A browser's bearer token comes as a subprotocol: like the header, a script must choose to
    // send it, so it is no ambient credential and needs no Origin to count.
    const offered = bearerSubprotocol(request.headers['sec-websocket-protocol']);
    if (offered !== undefined) {
      return offered ? this.auth.authenticate(offered, 'bearer') : undefined;
    }
    // A cookie rides along on any request the browser makes, so it counts only with our Origin.
    if (!fromBrowser) return undefined;
    const cookie = readCookie(request.headers.cookie, this.cookieName);
    return cookie ? this.auth.authenticate(cookie, 'cookie') : undefined;
  }
}

/**
 * The token in a `knock.bearer.<token>` subprotocol: undefined when none is offered, '' when one
 * is offered malformed (refused, never tried as something else).
 */
export function bearerSubprotocol(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const offers = header.split(',').map((offer) => offer.trim());
  const bearer = offers.filter((offer) => offer.startsWith(WS_BEARER_SUBPROTOCOL_PREFIX));
  if (bearer.length === 0) return undefined;
  const token = bearer.length === 1 ? bearer[0]!.slice(WS_BEARER_SUBPROTOCOL_PREFIX.length) : '';
  return /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : '';
}
