import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Distinguishes counters of different limits in a shared Redis. */
  name: string;
  points: number;
  durationSeconds: number;
  /** Once used up, refuse for this long (defaults to the rest of the window). */
  blockSeconds?: number;
}

/** A named limit: counts in Redis when the node has one, in memory otherwise. */
export interface Limiter {
  /** Spends `points`; resolves false when the limit is reached. */
  consume(key: string, points?: number): Promise<boolean>;
  /** True when `key` may not spend anything now, without spending. */
  isBlocked(key: string): Promise<boolean>;
  reset(key: string): Promise<void>;
}

export type LimiterFactory = (options: LimiterOptions) => Limiter;

/**
 * Builds limiters. With Redis, counters are shared by every node; if Redis stops answering, each
 * node falls back to its own in-memory counters (the insurance limiter) until it answers again.
 */
export function limiterFactory(redis: Redis | undefined, namespace: string): LimiterFactory {
  return (options) => {
    const base = {
      keyPrefix: `${namespace}:rl:${options.name}`,
      points: options.points,
      duration: options.durationSeconds,
      ...(options.blockSeconds === undefined ? {} : { blockDuration: options.blockSeconds }),
    };
    const memory = new RateLimiterMemory(base);
    const limiter: RateLimiterAbstract = redis
      ? new RateLimiterRedis({
          ...base,
          storeClient: redis,
          useRedisPackage: false,
          insuranceLimiter: memory,
        })
      : memory;
    return wrap(limiter, options.points);
  };
}

function wrap(limiter: RateLimiterAbstract, points: number): Limiter {
  return {
    async consume(key, cost = 1) {
      try {
        await limiter.consume(key, cost);
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        throw error;
      }
    },
    async isBlocked(key) {
      const state = await limiter.get(key);
      return state !== null && state.consumedPoints >= points;
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
