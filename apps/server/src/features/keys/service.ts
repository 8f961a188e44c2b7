import {
  MAX_ONE_TIME_PREKEYS,
  PREKEY_LOW_WATER,
  type AddPrekeysRequest,
  type KeyStatusResponse,
  type PrekeyBundleResponse,
  type PublishKeysRequest,
  type RotatePrekeysRequest,
} from '@knock/protocol/keys';
import type { Bus } from '../../platform/bus/bus.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Limiter } from '../../platform/rate-limit.js';
import type { AccountsService } from '../accounts/service.js';
import type { ChatsService } from '../chats/service.js';
import type { RelayEvent } from '../relay/events.js';
import type { KeyCounts, KeysRepository } from './repository.js';

/** Publishing keys, and handing out bundles to those who start sessions (DESIGN §5). */
export class KeysService {
  constructor(
    private readonly repository: KeysRepository,
    private readonly accounts: AccountsService,
    private readonly chats: ChatsService,
    private readonly bus: Bus<RelayEvent>,
    private readonly clock: Clock,
    /** Bundles one user may take per hour: each one uses up someone's one-time prekeys. */
    private readonly bundleLimit: Limiter,
  ) {}

  status(userId: string): Promise<KeyStatusResponse> {
    return this.repository.status(userId);
  }

  /** Stores the device's keys; a changed identity is announced to everyone the user chats with. */
  async publish(userId: string, request: PublishKeysRequest): Promise<KeyStatusResponse> {
    const result = await this.repository.publish(
      userId,
      request,
      this.clock.now(),
      MAX_ONE_TIME_PREKEYS,
    );
    if (result === 'too_many') throw new AppError('too_many_prekeys');
    if (result.changed && result.version > 1) {
      this.bus.publish({
        kind: 'identity_changed',
        memberIds: await this.chats.peerIds(userId),
        userId,
        identityVersion: result.version,
      });
    }
    return this.repository.status(userId);
  }

  async add(userId: string, request: AddPrekeysRequest): Promise<KeyStatusResponse> {
    const result = await this.repository.add(
      userId,
      request,
      this.clock.now(),
      MAX_ONE_TIME_PREKEYS,
    );
    if (result === 'no_identity') throw new AppError('identity_required');
    if (result === 'too_many') throw new AppError('too_many_prekeys');
    return this.repository.status(userId);
  }

  async rotate(userId: string, request: RotatePrekeysRequest): Promise<KeyStatusResponse> {
    const rotated = await this.repository.rotate(
      userId,
      request.signedPrekey,
      request.kemLastResort,
      this.clock.now(),
    );
    if (!rotated) throw new AppError('identity_required');
    return this.repository.status(userId);
  }

  /** A bundle of `username`'s keys for `requesterId`, taking one-time prekeys off the shelf. */
  async bundle(requesterId: string, username: string): Promise<PrekeyBundleResponse> {
    if (!(await this.bundleLimit.consume(requesterId))) throw new AppError('rate_limited');
    const owner = await this.accounts.findByUsername(username);
    if (!owner) throw new AppError('user_not_found');
    if (owner.id === requesterId) throw new AppError('cannot_chat_with_self');
    const taken = await this.repository.take(owner.id);
    if (!taken) throw new AppError('no_keys');
    if (isLow(taken)) {
      this.bus.publish({
        kind: 'keys_low',
        userId: owner.id,
        oneTimePrekeys: taken.oneTimePrekeys,
        kemOneTimePrekeys: taken.kemOneTimePrekeys,
      });
    }
    return { userId: owner.id, identityVersion: taken.identityVersion, bundle: taken.bundle };
  }
}

const isLow = (counts: KeyCounts) =>
  counts.oneTimePrekeys < PREKEY_LOW_WATER || counts.kemOneTimePrekeys < PREKEY_LOW_WATER;
