import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inviteState } from './invites.js';

const NOW = 1_000_000;

describe('inviteState', () => {
  it('puts revoked first, then expired, then claimed or used up', () => {
    const base = { uses: 0, maxUses: null, expiresAt: null, revokedAt: null };
    const oneTime = { ...base, kind: 'one_time' as const, maxUses: 1 };
    const reusable = { ...base, kind: 'reusable' as const };
    expect(inviteState(oneTime, NOW)).toBe('open');
    expect(inviteState({ ...oneTime, uses: 1 }, NOW)).toBe('claimed');
    expect(inviteState({ ...oneTime, uses: 1, expiresAt: NOW }, NOW)).toBe('expired');
    expect(inviteState({ ...oneTime, expiresAt: NOW + 1 }, NOW)).toBe('open');
    expect(inviteState({ ...oneTime, uses: 1, expiresAt: NOW, revokedAt: 5 }, NOW)).toBe('revoked');
    expect(inviteState({ ...reusable, uses: 10_000 }, NOW)).toBe('open');
    expect(inviteState({ ...reusable, uses: 2, maxUses: 3 }, NOW)).toBe('open');
    expect(inviteState({ ...reusable, uses: 3, maxUses: 3 }, NOW)).toBe('used_up');
  });

  it('is open exactly when not revoked, not expired and under the limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('one_time' as const, 'reusable' as const),
        fc.nat(5),
        fc.option(fc.integer({ min: 1, max: 5 })),
        fc.option(fc.integer({ min: NOW - 5, max: NOW + 5 })),
        fc.option(fc.nat()),
        (kind, uses, limit, expiresAt, revokedAt) => {
          const maxUses = kind === 'one_time' ? 1 : limit;
          const state = inviteState({ kind, uses, maxUses, expiresAt, revokedAt }, NOW);
          const open =
            revokedAt === null &&
            (expiresAt === null || expiresAt > NOW) &&
            (maxUses === null || uses < maxUses);
          expect(state === 'open').toBe(open);
        },
      ),
    );
  });
});
