import { describe, expect, it } from 'vitest';
import { createIdentity } from './identity.js';
import { formatSafetyNumber, safetyNumber } from './safety-number.js';
import { backends } from './testing/vectors.js';

describe.each(backends)('safety numbers on the %s backend (T7)', (_name, crypto) => {
  it('is the same on both sides and changes with either identity', async () => {
    const alice = {
      userId: 'alice',
      signingKey: (await createIdentity(crypto)).signingKey.publicKey,
    };
    const bob = { userId: 'bob', signingKey: (await createIdentity(crypto)).signingKey.publicKey };
    const number = await safetyNumber(crypto, alice, bob);
    expect(number).toMatch(/^\d{60}$/);
    expect(await safetyNumber(crypto, bob, alice)).toBe(number);
    expect(formatSafetyNumber(number)).toMatch(/^(\d{5} ){11}\d{5}$/);

    const newKey = (await createIdentity(crypto)).signingKey.publicKey;
    const changed = await safetyNumber(crypto, alice, { ...bob, signingKey: newKey });
    expect(changed).not.toBe(number);
    // Alice's half is unchanged, whichever position it sorts into.
    const halves = (digits: string) => [digits.slice(0, 30), digits.slice(30)];
    expect(halves(changed).filter((half) => halves(number).includes(half))).toHaveLength(1);
  });

  it('refuses unacceptable keys', async () => {
    const good = { userId: 'a', signingKey: (await createIdentity(crypto)).signingKey.publicKey };
    await expect(
      safetyNumber(crypto, good, { userId: 'b', signingKey: new Uint8Array(32) }),
    ).rejects.toMatchObject({ code: 'invalid_public_key' });
  });
});
