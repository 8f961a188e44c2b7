import { randomBytes } from 'node:crypto';
import { ClaimChallenge, ClaimProof, MAX_CLAIM_POW_COST } from '@knock/protocol/proof-of-work';
import { solveChallenge, type DeriveKeyFunction } from 'altcha-lib';
import { deriveKey as webDeriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import { Redis } from 'ioredis';
import * as v from 'valibot';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { PROOF_OF_WORK_DEFAULTS, ProofOfWork, type ProofOfWorkOptions } from './proof-of-work.js';
import { RedisReplayStore, type ReplayStore } from './replay-store.js';

/** Counts the server's key derivations: issuing does one, verifying must do none. */
const derivations = vi.hoisted(() => ({ count: 0 }));
vi.mock('altcha-lib/algorithms/pbkdf2', async (importOriginal) => {
  const original = await importOriginal<{ deriveKey: DeriveKeyFunction }>();
  const deriveKey: DeriveKeyFunction = (...args) => {
    derivations.count++;
    return original.deriveKey(...args);
  };
  return { deriveKey };
});

const redisUrl = process.env['KNOCK_TEST_REDIS_URL'];
const SECRET = 'a test secret that is comfortably longer than 32 bytes';
const TTL = 60_000;
const inviteId = () => randomBytes(16).toString('base64url');

/** Low difficulty: a solve takes a few milliseconds. */
function options(clock: ManualClock, overrides: Partial<ProofOfWorkOptions> = {}) {
  return {
    secret: SECRET,
    cost: 10,
    counterMin: 1,
    counterMax: 50,
    ttlMs: TTL,
    now: () => clock.now(),
    ...overrides,
  };
}

/** Spent keys in a set: what a replay store must do within a challenge's life. */
class SetStore implements ReplayStore {
  readonly #keys = new Set<string>();
  markUsed(key: string): Promise<boolean> {
    const fresh = !this.#keys.has(key);
    this.#keys.add(key);
    return Promise.resolve(fresh);
  }
}

/** Counts what reaches the store, so refusals can be shown not to spend a challenge. */
class CountingStore implements ReplayStore {
  calls = 0;
  constructor(private readonly inner: ReplayStore) {}
  markUsed(key: string, ttlMs: number): Promise<boolean> {
    this.calls++;
    return this.inner.markUsed(key, ttlMs);
  }
}

/** What the SDK's solveClaimChallenge does: altcha's solver with WebCrypto's PBKDF2. */
async function solve(challenge: ClaimChallenge): Promise<ClaimProof> {
  const solution = await solveChallenge({ challenge, deriveKey: webDeriveKey });
  if (!solution) throw new Error('unsolved');
  return { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } };
}

describe('ProofOfWork', () => {
  let clock: ManualClock;
  let store: CountingStore;
  let pow: ProofOfWork;

  beforeEach(() => {
    clock = new ManualClock(1_700_000_000_000);
    store = new CountingStore(new SetStore());
    pow = new ProofOfWork(options(clock), store);
  });

  it('issues signed challenges bound to the invite, each one new', async () => {
    const id = inviteId();
    const before = derivations.count;
    const one = await pow.issue(id);
    const two = await pow.issue(id);
    expect(derivations.count - before).toBe(2);
    expect(v.is(ClaimChallenge, one)).toBe(true);
    expect(one.parameters.data).toEqual({ inviteId: id, expiresAt: clock.now() + TTL });
    expect(one.parameters.keySignature).toMatch(/^[0-9a-f]{64}$/);
    expect(two.parameters.nonce).not.toBe(one.parameters.nonce);
    await expect(pow.issue('not an invite')).rejects.toThrow();
  });

  it('accepts a solved proof once, then refuses it as replayed', async () => {
    const id = inviteId();
    const proof = await solve(await pow.issue(id));
    expect(v.is(ClaimProof, proof)).toBe(true);
    expect(await pow.verify(id, proof)).toEqual({ ok: true });
    expect(await pow.verify(id, structuredClone(proof))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts proofs from another node that shares the secret, not from one that does not', async () => {
    const id = inviteId();
    const other = new ProofOfWork(options(clock), store);
    const stranger = new ProofOfWork(options(clock, { secret: `${SECRET} but not ours` }), store);
    expect(await pow.verify(id, await solve(await other.issue(id)))).toEqual({ ok: true });
    expect(await pow.verify(id, await solve(await stranger.issue(id)))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a proof for one invite sent to another', async () => {
    const a = inviteId();
    const proof = await solve(await pow.issue(a));
    expect(await pow.verify(inviteId(), proof)).toEqual({ ok: false, reason: 'wrong_invite' });
    expect(await pow.verify(a, proof)).toEqual({ ok: true });
  });

  it('refuses a proof once its challenge expired on the injected clock', async () => {
    const id = inviteId();
    const early = await solve(await pow.issue(id));
    const late = await solve(await pow.issue(id));
    clock.advance(TTL - 1);
    expect(await pow.verify(id, early)).toEqual({ ok: true });
    clock.advance(1);
    expect(await pow.verify(id, late)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tampered challenges as badly signed, binding included', async () => {
    const a = inviteId();
    const b = inviteId();
    const proof = await solve(await pow.issue(a));
    const tamper = (change: (p: ClaimProof) => void) => {
      const copy = structuredClone(proof);
      change(copy);
      return copy;
    };
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const tampered = [
      tamper((p) => (p.challenge.parameters.data.inviteId = b)),
      tamper((p) => (p.challenge.parameters.data.expiresAt += TTL)),
      tamper((p) => (p.challenge.parameters.cost = 1)),
      tamper((p) => (p.challenge.parameters.keyPrefix = flip(p.challenge.parameters.keyPrefix))),
      tamper(
        (p) => (p.challenge.parameters.keySignature = flip(p.challenge.parameters.keySignature)),
      ),
      tamper((p) => (p.challenge.signature = flip(p.challenge.signature))),
    ];
    for (const p of tampered) {
      const target = p.challenge.parameters.data.inviteId;
      expect(await pow.verify(target, p)).toEqual({ ok: false, reason: 'bad_signature' });
    }
    expect(store.calls).toBe(0);
    expect(await pow.verify(a, proof)).toEqual({ ok: true });
  });

  it('refuses a wrong solution without spending the challenge', async () => {
    const id = inviteId();
    const proof = await solve(await pow.issue(id));
    const another = await solve(await pow.issue(id));
    const wrongKey = { ...proof, solution: another.solution };
    expect(await pow.verify(id, wrongKey)).toEqual({ ok: false, reason: 'wrong_solution' });
    expect(store.calls).toBe(0);
    expect(await pow.verify(id, proof)).toEqual({ ok: true });
  });

  it('refuses missing, garbage and oversized proofs without deriving a key', async () => {
    const id = inviteId();
    const proof = await solve(await pow.issue(id));
    const { parameters } = proof.challenge;
    const withParameters = (change: Record<string, unknown>) => ({
      ...proof,
      challenge: { ...proof.challenge, parameters: { ...parameters, ...change } },
    });
    const huge = 'f'.repeat(1 << 20);
    const garbage: unknown[] = [
      '',
      'proof',
      42,
      [],
      {},
      { challenge: proof.challenge },
      { solution: proof.solution },
      { ...proof, extra: 1 },
      { ...proof, challenge: { ...proof.challenge, signature: huge } },
      { ...proof, solution: { ...proof.solution, derivedKey: huge } },
      { ...proof, solution: { ...proof.solution, counter: -1 } },
      { ...proof, solution: { ...proof.solution, counter: 2 ** 32 } },
      {
        ...proof,
        solution: { ...proof.solution, derivedKey: proof.solution.derivedKey.toUpperCase() },
      },
      withParameters({ cost: MAX_CLAIM_POW_COST + 1 }),
      withParameters({ cost: 1.5 }),
      withParameters({ keyLength: 1 << 20 }),
      withParameters({ algorithm: 'ARGON2ID', memoryCost: 1 << 30 }),
      withParameters({ expiresAt: 1 }),
      withParameters({ keySignature: undefined }),
      withParameters({ data: { inviteId: id, expiresAt: parameters.data.expiresAt, more: huge } }),
    ];
    const before = derivations.count;
    const started = performance.now();
    expect(await pow.verify(id, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await pow.verify(id, null)).toEqual({ ok: false, reason: 'missing' });
    for (const g of garbage) {
      expect(await pow.verify(id, g)).toEqual({ ok: false, reason: 'malformed' });
    }
    // Well-formed but forged: the dearest a hostile body can ask for, refused by one HMAC.
    const forged = withParameters({ cost: MAX_CLAIM_POW_COST });
    expect(await pow.verify(id, forged)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(derivations.count).toBe(before);
    expect(store.calls).toBe(0);
  });

  it('refuses a weak secret and difficulty out of range', () => {
    const replay = new SetStore();
    const clockAt = new ManualClock(0);
    const make = (o: Partial<ProofOfWorkOptions>) => () =>
      new ProofOfWork(options(clockAt, o), replay);
    expect(make({ secret: 'x'.repeat(31) })).toThrow(RangeError);
    expect(make({ cost: 0 })).toThrow(RangeError);
    expect(make({ cost: MAX_CLAIM_POW_COST + 1 })).toThrow(RangeError);
    expect(make({ counterMin: 10, counterMax: 9 })).toThrow(RangeError);
    expect(make({ counterMax: 2 ** 32 })).toThrow(RangeError);
    expect(make({ ttlMs: 0 })).toThrow(RangeError);
    expect(make({ ...PROOF_OF_WORK_DEFAULTS })).not.toThrow();
  });
});

describe.runIf(redisUrl)('RedisReplayStore', () => {
  // Each run under its own prefix: a shared Redis may hold other runs' keys.
  const prefix = `knock-test-${process.pid}-${Date.now()}:claim-pow`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(redisUrl ?? '');
    connections.push(redis);
    return redis;
  };
  let redis: Redis;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(() => {
    for (const connection of connections.splice(0)) connection.disconnect();
  });

  it('marks a key once across nodes, with the TTL in milliseconds', async () => {
    const one = new RedisReplayStore(redis, prefix);
    const two = new RedisReplayStore(connect(), prefix);
    expect(await one.markUsed('k', 60_000)).toBe(true);
    expect(await two.markUsed('k', 60_000)).toBe(false);
    expect(await new RedisReplayStore(redis, `${prefix}-other`).markUsed('k', 60_000)).toBe(true);
    const ttl = await redis.pttl(`${prefix}:k`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('forgets a key after its TTL', async () => {
    const store = new RedisReplayStore(redis, prefix);
    expect(await store.markUsed('short', 30)).toBe(true);
    expect(await store.markUsed('short', 30)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.markUsed('short', 30)).toBe(true);
  });

  it('makes a proof single-use across two nodes', async () => {
    const clock = new ManualClock(Date.now());
    const one = new ProofOfWork(options(clock), new RedisReplayStore(redis, prefix));
    const two = new ProofOfWork(options(clock), new RedisReplayStore(redis, prefix));
    const id = inviteId();
    const proof = await solve(await one.issue(id));
    expect(await two.verify(id, proof)).toEqual({ ok: true });
    expect(await one.verify(id, proof)).toEqual({ ok: false, reason: 'replayed' });
  });
});
