import { createHash } from 'node:crypto';
import { decodeBase64url } from '@knock/protocol/base64url';
import type { ChallengeResponse, ClaimRequest, ClaimResponse } from '@knock/protocol/claims';
import type { Bus } from '../../platform/bus/bus.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { hashSecret, newId, newSecret } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { Limiter } from '../../platform/rate-limit.js';
import { SESSION_TTL_MS } from '../auth/service.js';
import type { ChatsService } from '../chats/service.js';
import type { RelayEvent } from '../relay/events.js';
import type { ProofOfWork } from './proof-of-work.js';
import type { ClaimOutcome, ClaimsRepository } from './repository.js';

/** The layered limits on claims (DESIGN §6); each counts in Redis when the node has one. */
export interface ClaimLimits {
  /** Challenges handed to one IP. */
  readonly challengesPerIp: Limiter;
  /** Claims from one IP. */
  readonly perIp: Limiter;
  /** Claims on one link, from wherever (a flood on a reusable link, T26). */
  readonly perInvite: Limiter;
  /** Claims on all the links of one host. */
  readonly perHost: Limiter;
  /** Claims on the whole deployment. */
  readonly global: Limiter;
  /** At most one `claim_flood` notice per link per window: the host hears once, not per claim. */
  readonly floodNotices: Limiter;
}

/**
 * A guest's claim of a link (DESIGN §5, §6): the limits, the proof of work, then the guest, its
 * token and the chat with its first message, all at once. Every link a guest cannot use gets the
 * same `invite_not_found` (T23); the host of a one-time link claimed again is told (`used_twice`).
 */
export class ClaimsService {
  constructor(
    private readonly repository: ClaimsRepository,
    private readonly proofs: ProofOfWork,
    private readonly chats: ChatsService,
    private readonly bus: Bus<RelayEvent>,
    private readonly limits: ClaimLimits,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** A challenge for any well-formed id: handing one out says nothing of the invite. */
  async challenge(inviteId: string, ip: string): Promise<ChallengeResponse> {
    if (!(await this.limits.challengesPerIp.consume(ip))) throw new AppError('rate_limited');
    return { challenge: await this.proofs.issue(inviteId), maxAttempts: this.proofs.maxAttempts };
  }

  async claim(
    inviteId: string,
    request: Omit<ClaimRequest, 'proof'> & { proof?: unknown },
    ip: string,
  ): Promise<ClaimResponse> {
    if (!(await this.limits.perIp.consume(ip))) throw new AppError('rate_limited');
    if (!(await this.limits.global.consume('all'))) throw new AppError('slow_down');
    const verdict = await this.proofs.verify(inviteId, request.proof);
    if (!verdict.ok) {
      this.log.info({ reason: verdict.reason }, 'claim refused: proof of work');
      throw new AppError('proof_invalid');
    }
    if (!(await this.limits.perInvite.consume(inviteId))) {
      await this.floodNotice(inviteId);
      throw new AppError('rate_limited');
    }
    const hostId = await this.repository.hostOf(inviteId);
    if (hostId !== undefined && !(await this.limits.perHost.consume(hostId))) {
      throw new AppError('rate_limited');
    }
    if (request.hello === undefined) {
      this.noticeRefusal(inviteId, await this.repository.knock(inviteId, this.clock.now()));
      throw new AppError('invite_not_found');
    }
    const ciphertext = decodeBase64url(request.hello.ciphertext);
    if (!ciphertext) throw new AppError('bad_request', 'The first message is not base64url.');

    const token = newSecret();
    const now = this.clock.now();
    const guestId = newId();
    const chatId = newId();
    const outcome = await this.repository.claim({
      inviteId,
      guestId,
      chatId,
      tokenHash: hashSecret(token, 'session'),
      tokenExpiresAt: now + SESSION_TTL_MS.guest,
      hello: { clientMessageId: request.hello.clientMessageId, ciphertext },
      digest: claimDigest(request.hello.clientMessageId, ciphertext),
      now,
    });
    this.noticeRefusal(inviteId, outcome);
    if (outcome.kind === 'reclaimed') return this.answer(outcome.chatId, outcome.guestId, token);
    if (outcome.kind !== 'claimed') throw new AppError('invite_not_found');
    this.bus.publish({ kind: 'chat_created', chatId, memberIds: [outcome.hostId, guestId] });
    return this.answer(chatId, guestId, token);
  }

  private async answer(chatId: string, guestId: string, token: string): Promise<ClaimResponse> {
    const chat = await this.chats.get(chatId, guestId);
    if (!chat) throw new AppError('invite_not_found');
    return { user: { id: guestId, username: '', displayName: '' }, token, chat };
  }

  /** A one-time link tried again after its guest: its host hears of it. */
  private noticeRefusal(inviteId: string, outcome: ClaimOutcome): void {
    if (outcome.kind === 'refused' && outcome.usedTwice) {
      this.notify(outcome.hostId, inviteId, 'used_twice');
    }
  }

  private async floodNotice(inviteId: string): Promise<void> {
    const hostId = await this.repository.hostOf(inviteId);
    if (hostId === undefined) return;
    if (await this.limits.floodNotices.consume(inviteId)) {
      this.notify(hostId, inviteId, 'claim_flood');
    }
  }

  private notify(hostId: string, inviteId: string, notice: 'used_twice' | 'claim_flood'): void {
    this.bus.publish({ kind: 'invite_notice', memberIds: [hostId], inviteId, notice });
  }
}

/** What identifies a claim across retries: its first message, id and bytes. */
function claimDigest(clientMessageId: string, ciphertext: Uint8Array): string {
  return createHash('sha256')
    .update(clientMessageId)
    .update('\0')
    .update(ciphertext)
    .digest('base64url');
}
