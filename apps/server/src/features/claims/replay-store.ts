import type { Redis } from 'ioredis';

/** Remembers single-use keys (spent proofs of work) until they could no longer be replayed. */
export interface ReplayStore {
  /** true the first time a key is seen within ttlMs; false after. */
  markUsed(key: string, ttlMs: number): Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  now: () => number;
  /** Most keys held at once; when all are live, new keys are refused. Defaults to 100 000. */
  maxEntries?: number;
}

/**
 * One node's keys in a map. Expired keys are swept as it goes; when it is full of live keys it
 * fails closed, refusing new keys (as if seen) rather than forgetting live ones.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly expiries = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  /** No key expires before this, so a full sweep before then would free nothing. */
  private nothingExpiresBefore = 0;

  constructor(options: MemoryReplayStoreOptions) {
    this.now = options.now;
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
  }

  get size(): number {
    return this.expiries.size;
  }

  markUsed(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    this.sweepOldest(now);
    const expiresAt = this.expiries.get(key);
    if (expiresAt !== undefined) {
      if (expiresAt > now) return Promise.resolve(false);
      this.expiries.delete(key);
    }
    if (this.expiries.size >= this.maxEntries) this.sweepAll(now);
    if (this.expiries.size >= this.maxEntries) return Promise.resolve(false);
    const expiry = now + Math.max(1, ttlMs);
    this.expiries.set(key, expiry);
    this.nothingExpiresBefore = Math.min(this.nothingExpiresBefore, expiry);
    return Promise.resolve(true);
  }

  /** Drops expired keys from the oldest on: with one TTL for all keys, that is all of them. */
  private sweepOldest(now: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > now) return;
      this.expiries.delete(key);
    }
  }

  /** Drops every expired key, when one may have expired behind a longer-lived key. */
  private sweepAll(now: number): void {
    if (now < this.nothingExpiresBefore) return;
    let earliest = Infinity;
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt <= now) this.expiries.delete(key);
      else earliest = Math.min(earliest, expiresAt);
    }
    this.nothingExpiresBefore = earliest;
  }
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
