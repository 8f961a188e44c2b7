import type { InviteSummary } from '@knock/protocol/invites';
import { describe, expect, it } from 'vitest';
import { describeInvite, formatInviteTable, parseExpiry, parseMaxUses } from './invite-format.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const HOUR = 3_600_000;

const invite = (overrides: Partial<InviteSummary> = {}): InviteSummary => ({
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  kind: 'one_time',
  label: null,
  displayName: 'Ana',
  state: 'open',
  uses: 0,
  maxUses: 1,
  createdAt: NOW - 2 * HOUR,
  expiresAt: null,
  lastClaimedAt: null,
  lastActivityAt: null,
  revokedAt: null,
  refusedClaims: 0,
  chats: 0,
  ...overrides,
});

describe('invite formatting', () => {
  it('reads expiries as durations from now or ISO dates, and only in the future', () => {
    expect(parseExpiry('30m', NOW)).toBe(NOW + HOUR / 2);
    expect(parseExpiry('12h', NOW)).toBe(NOW + 12 * HOUR);
    expect(parseExpiry('7d', NOW)).toBe(NOW + 7 * 24 * HOUR);
    expect(parseExpiry('2w', NOW)).toBe(NOW + 14 * 24 * HOUR);
    expect(parseExpiry('2026-12-01T00:00:00Z', NOW)).toBe(Date.UTC(2026, 11, 1));
    for (const bad of ['0d', '-1d', '7', 'tomorrow', '2020-01-01', '7 days', '']) {
      expect(() => parseExpiry(bad, NOW), bad).toThrow();
    }
    expect(parseMaxUses('3')).toBe(3);
    for (const bad of ['0', '1.5', 'many']) expect(() => parseMaxUses(bad), bad).toThrow();
  });

  it('describes and tabulates links, neutralising what a name could do to a terminal', () => {
    expect(describeInvite(invite({ expiresAt: NOW + 7 * 24 * HOUR }), NOW)).toBe(
      'New one-time link as "Ana" (expires in 7d):',
    );
    const reusable = invite({
      id: 'BBBBBBBBBBBBBBBBBBBBBB',
      kind: 'reusable',
      uses: 4,
      maxUses: null,
      label: 'desk \u001b[2J',
      state: 'used_up',
      lastClaimedAt: NOW - HOUR,
    });
    expect(formatInviteTable([invite(), reusable], NOW).split('\n')).toEqual([
      'ID                      STATE    KIND               NAME  LABEL         CREATED  LAST CLAIMED  EXPIRES IN',
      'AAAAAAAAAAAAAAAAAAAAAA  open     one-time           Ana   -             2h ago   -             -',
      'BBBBBBBBBBBBBBBBBBBBBB  used up  reusable (4 used)  Ana   desk \\x1b[2J  2h ago   1h ago        -',
    ]);
  });
});
