import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { limiterFactory, type Limiter } from './rate-limit.js';

const redisUrl = process.env['KNOCK_TEST_REDIS_URL'];
let runs = 0;

/** A run's spends, all inside one window: which key, and how many points. */
const spends = fc.array(
  fc.record({
    key: fc.constantFrom('ip-a', 'ip-b', 'link-c'),
    cost: fc.integer({ min: 1, max: 3 }),
  }),
  { minLength: 1, maxLength: 60 },
);

/** Spends in order; returns each decision. */
async function decide(limiter: Limiter, run: readonly { key: string; cost: number }[]) {
  const decisions: boolean[] = [];
  for (const { key, cost } of run) decisions.push(await limiter.consume(key, cost));
  return decisions;
}

/**
 * Within one window no key gets more than its points; and, as the counters count every attempt
 * (refused ones too, so that hammering does not pay), a spend is refused exactly when the
 * attempts before it and its own cost pass the points.
 */
function checkWindow(
  run: readonly { key: string; cost: number }[],
  decisions: boolean[],
  points: number,
) {
  const attempted = new Map<string, number>();
  const granted = new Map<string, number>();
  run.forEach(({ key, cost }, i) => {
    const before = attempted.get(key) ?? 0;
    attempted.set(key, before + cost);
    expect(decisions[i]).toBe(before + cost <= points);
    if (decisions[i]) granted.set(key, (granted.get(key) ?? 0) + cost);
  });
  for (const total of granted.values()) expect(total).toBeLessThanOrEqual(points);
}

describe('rate limits (T28)', () => {
  it('never lets a key spend more than its points in a window, in memory', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), spends, async (points, run) => {
        const limiter = limiterFactory(
          undefined,
          'test',
        )({
          name: `memory-${++runs}`,
          points,
          durationSeconds: 3600,
        });
        checkWindow(run, await decide(limiter, run), points);
      }),
    );
  });

  describe.runIf(redisUrl)('with Redis', () => {
    const redis = new Redis(redisUrl ?? '', { lazyConnect: true });
    afterAll(() => redis.disconnect());

    it('decides exactly as memory does, spend for spend', async () => {
      const namespace = `knock-test-${Date.now()}`;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 20 }), spends, async (points, run) => {
          const options = { name: `agree-${++runs}`, points, durationSeconds: 3600 };
          const memory = limiterFactory(undefined, namespace)(options);
          const shared = limiterFactory(redis, namespace)(options);
          const decisions = await decide(shared, run);
          expect(decisions).toEqual(await decide(memory, run));
          checkWindow(run, decisions, points);
        }),
        { numRuns: 50 },
      );
    });
  });
});
