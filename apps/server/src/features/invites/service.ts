import {
  InviteBundleJson,
  MAX_INVITE_LIFETIME_MS,
  inviteState,
  type CreateInviteRequest,
  type InviteSummary,
} from '@knock/protocol/invites';
import { normaliseDisplayName } from '@knock/protocol/names';
import * as v from 'valibot';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Limiter } from '../../platform/rate-limit.js';
import type { InviteRow, InvitesRepository } from './repository.js';

export interface InviteLimits {
  /** Open invites one host may hold at once. */
  readonly openPerHost: number;
  /** How long a closed invite stays in its host's list (it goes once its chats are gone). */
  readonly keepClosedMs: number;
  /** Bundle fetches per IP (a guest opening a link, or someone guessing ids). */
  readonly fetchesPerIp: Limiter;
}

/** Guest links on the host's side, and the public bundle fetch (DESIGN §1, §5, §6). */
export class InvitesService {
  constructor(
    private readonly repository: InvitesRepository,
    private readonly clock: Clock,
    private readonly limits: InviteLimits,
  ) {}

  async create(hostUserId: string, request: CreateInviteRequest): Promise<InviteSummary> {
    const now = this.clock.now();
    const { expiresAt } = request;
    if (expiresAt !== undefined && (expiresAt <= now || expiresAt > now + MAX_INVITE_LIFETIME_MS)) {
      throw new AppError(
        'bad_request',
        'expiresAt must be in the future and at most 90 days ahead',
      );
    }
    let label: string | null = null;
    if (request.label !== undefined) {
      label = normaliseDisplayName(request.label) ?? null;
      if (label === null) throw new AppError('bad_request', 'the label is not a valid name');
    }
    const created = await this.repository.create(
      {
        id: request.inviteId,
        hostUserId,
        kind: request.kind,
        label,
        displayName: request.bundle.displayName,
        bundle: JSON.stringify(request.bundle),
        maxUses: request.kind === 'one_time' ? 1 : (request.maxUses ?? null),
        createdAt: now,
        expiresAt: expiresAt ?? null,
      },
      this.limits.openPerHost,
    );
    if (created === 'exists') throw new AppError('invite_exists');
    if (created === 'too_many') throw new AppError('too_many_invites');
    return this.summary(created, now);
  }

  async list(hostUserId: string): Promise<InviteSummary[]> {
    const now = this.clock.now();
    return (await this.repository.list(hostUserId)).map((row) => this.summary(row, now));
  }

  /** Revokes one of the host's invites; `invite_not_found` when it is not theirs. */
  async revoke(hostUserId: string, id: string): Promise<void> {
    if (!(await this.repository.revoke(hostUserId, id, this.clock.now()))) {
      throw new AppError('invite_not_found');
    }
  }

  /** Revokes all of the host's open invites; returns how many. */
  revokeAll(hostUserId: string): Promise<number> {
    return this.repository.revokeAllOpen(hostUserId, this.clock.now());
  }

  /** Forgets invites closed for longer than `keepClosedMs` whose chats are all gone. */
  purgeClosed(): Promise<number> {
    return this.repository.purgeClosed(this.clock.now() - this.limits.keepClosedMs);
  }

  /**
   * The bundle of an open invite, for anyone who asks from an IP under its limit; undefined for
   * every invite a guest cannot use, whatever the reason (T23). Changes nothing (T24).
   */
  async bundle(id: string, ip: string): Promise<InviteBundleJson | undefined> {
    if (!(await this.limits.fetchesPerIp.consume(ip))) throw new AppError('rate_limited');
    const json = await this.repository.openBundle(id, this.clock.now());
    // Read back from a JSON column: checked like any other input before it leaves.
    return json === undefined ? undefined : v.parse(InviteBundleJson, JSON.parse(json));
  }

  private summary(row: InviteRow, now: number): InviteSummary {
    return { ...row, state: inviteState(row, now) };
  }
}
