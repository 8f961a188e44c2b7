import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { RedisBus } from './redis-bus.js';

const redisUrl = process.env['KNOCK_TEST_REDIS_URL'];
const parse = (raw: unknown) => (typeof raw === 'string' ? raw : undefined);
// Each run on its own channel: a shared Redis may hold other runs' traffic.
const namespace = `knock-test-${process.pid}-${Date.now()}`;

describe.runIf(redisUrl)('Redis bus', () => {
  const buses: RedisBus<string>[] = [];
  const open = () => {
    const publisher = new Redis(redisUrl ?? '');
    const bus = new RedisBus<string>(
      publisher,
      publisher.duplicate(),
      parse,
      createLogger('silent'),
      namespace,
    );
    buses.push(bus);
    return bus;
  };
  const ready = (bus: RedisBus<string>) =>
    new Promise<void>((resolve) => {
      const check = () => (bus.healthy() ? resolve() : setTimeout(check, 10));
      check();
    });
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
  });

  it('delivers to local subscribers at once and to other nodes once, without echo', async () => {
    const one = open();
    const two = open();
    await Promise.all([ready(one), ready(two)]);
    const seenByOne: string[] = [];
    one.subscribe((e) => seenByOne.push(e));
    const atTwo = new Promise<string>((resolve) => two.subscribe(resolve));
    one.publish(`hello-${Date.now()}`);
    expect(seenByOne).toHaveLength(1);
    expect(await atTwo).toBe(seenByOne[0]);
    expect(seenByOne).toHaveLength(1);
  });

  it('tells subscribers to re-read storage after the subscription comes back', async () => {
    const bus = open();
    await ready(bus);
    const recovered = new Promise<void>((resolve) => bus.onRecovered(resolve));
    const admin = new Redis(redisUrl ?? '');
    try {
      await admin.client('KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    await recovered;
  });
});
