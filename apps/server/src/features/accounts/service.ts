import { MIN_PASSWORD_LENGTH } from '@knock/protocol/limits';
import { normaliseDisplayName, normaliseUsername } from '@knock/protocol/names';
import type { PublicUser, RegisterRequest } from '@knock/protocol/http';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Limiter } from '../../platform/rate-limit.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { UsernameTakenError, type AccountsRepository, type UserRow } from './repository.js';

/** Names nobody may register: they could pass for the service or for a guest. */
const RESERVED = new Set(['admin', 'administrator', 'knock', 'root', 'support', 'system', 'guest']);

export interface AccountLimits {
  registrations: Limiter;
  /** Consecutive failures per username and IP. */
  failuresPerUserIp: Limiter;
  /** Failures per IP, whatever the username. */
  failuresPerIp: Limiter;
}

export function publicUser(user: Pick<UserRow, 'id' | 'username' | 'displayName'>): PublicUser {
  return { id: user.id, username: user.username, displayName: user.displayName };
}

export class AccountsService {
  constructor(
    private readonly repository: AccountsRepository,
    private readonly limits: AccountLimits,
    private readonly clock: Clock,
  ) {}

  async register(input: RegisterRequest, ip: string): Promise<PublicUser> {
    const username = normaliseUsername(input.username);
    if (!username || RESERVED.has(username)) throw new AppError('invalid_username');
    const displayName = normaliseDisplayName(input.displayName ?? username);
    if (!displayName) throw new AppError('invalid_display_name');
    if ([...input.password].length < MIN_PASSWORD_LENGTH) throw new AppError('weak_password');
    if (!(await this.limits.registrations.consume(ip))) throw new AppError('rate_limited');
    const user: UserRow = {
      id: newId(),
      username,
      displayName,
      passwordHash: await hashPassword(input.password),
      createdAt: this.clock.now(),
    };
    try {
      await this.repository.create(user);
    } catch (error) {
      if (error instanceof UsernameTakenError) throw new AppError('username_taken');
      throw error;
    }
    return publicUser(user);
  }

  /** Checks a password under the brute-force limits; returns the user or throws. */
  async verifyCredentials(rawUsername: string, password: string, ip: string): Promise<UserRow> {
    const username = normaliseUsername(rawUsername) ?? '';
    const userKey = `${username}|${ip}`;
    if (
      (await this.limits.failuresPerUserIp.isBlocked(userKey)) ||
      (await this.limits.failuresPerIp.isBlocked(ip))
    ) {
      throw new AppError('rate_limited');
    }
    const user = username ? await this.repository.findByUsername(username) : undefined;
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
    if (!user || !valid) {
      await this.limits.failuresPerUserIp.consume(userKey);
      await this.limits.failuresPerIp.consume(ip);
      throw new AppError('invalid_credentials');
    }
    await this.limits.failuresPerUserIp.reset(userKey);
    return user;
  }

  async get(userId: string): Promise<UserRow | undefined> {
    return this.repository.findById(userId);
  }

  async findByUsername(rawUsername: string): Promise<UserRow | undefined> {
    const username = normaliseUsername(rawUsername);
    return username ? this.repository.findByUsername(username) : undefined;
  }
}
