import type { Redis } from 'ioredis';

/** Remembers single-use keys (spent proofs of work) until they could no longer be replayed. */
export interface ReplayStore {
  /** true the first time a key is seen within ttlMs; false after. */
  markUsed(key: string, ttlMs: number): Promise<boolean>;
}

/** Keys shared by every node: `SET key 1 PX ttl NX` succeeds for the first node only. */
export class RedisReplayStore implements ReplayStore {
  /** `prefix` separates these keys from others in a shared Redis, e.g. `${namespace}:claim-pow`. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async markUsed(key: string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const reply = await this.redis.set(`${this.prefix}:${key}`, '1', 'PX', ttl, 'NX');
    return reply === 'OK';
  }
}
