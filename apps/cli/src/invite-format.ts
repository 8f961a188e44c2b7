import type { InviteSummary } from '@knock/protocol/invites';
import { InvalidArgumentError } from 'commander';
import { formatAgo, formatExpiresIn, formatTable, sanitize } from './format.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--expires`: a duration from now (`30m`, `12h`, `7d`, `2w`) or an ISO 8601 date and time.
 * Returns milliseconds since the epoch.
 */
export function parseExpiry(value: string, now: number): number {
  const duration = /^(\d{1,4})([mhdw])$/.exec(value.trim());
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) throw new InvalidArgumentError('The expiry must be in the future.');
    return now + amount * UNITS[duration[2]!]!;
  }
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) {
    throw new InvalidArgumentError('Expected a duration like 12h, 7d or 2w, or an ISO date.');
  }
  if (at <= now) throw new InvalidArgumentError('The expiry must be in the future.');
  return at;
}

export function parseMaxUses(value: string): number {
  const uses = Number(value);
  if (!Number.isInteger(uses) || uses < 1) {
    throw new InvalidArgumentError('Expected a whole number of uses, 1 or more.');
  }
  return uses;
}

/** `one-time`, `reusable (3/10 used)`, `reusable (4 used)`. */
function kindAndUses(invite: InviteSummary): string {
  if (invite.kind === 'one_time') return 'one-time';
  const limit = invite.maxUses === null ? '' : `/${invite.maxUses}`;
  return `reusable (${invite.uses}${limit} used)`;
}

/** The first line `knock invite create` prints above the link. */
export function describeInvite(invite: InviteSummary, now: number): string {
  const expiry =
    invite.expiresAt === null
      ? 'no expiry'
      : `expires in ${formatExpiresIn(invite.expiresAt, now)}`;
  return `New ${kindAndUses(invite)} link as "${sanitize(invite.displayName)}" (${expiry}):`;
}

/** The human table of `knock invite list`. */
export function formatInviteTable(invites: readonly InviteSummary[], now: number): string {
  return formatTable(
    ['ID', 'STATE', 'KIND', 'NAME', 'LABEL', 'CREATED', 'LAST CLAIMED', 'EXPIRES IN'],
    invites.map((invite) => [
      invite.id,
      invite.state.replace('_', ' '),
      kindAndUses(invite),
      sanitize(invite.displayName),
      invite.label === null ? '-' : sanitize(invite.label),
      formatAgo(invite.createdAt, now),
      invite.lastClaimedAt === null ? '-' : formatAgo(invite.lastClaimedAt, now),
      invite.expiresAt === null ? '-' : formatExpiresIn(invite.expiresAt, now),
    ]),
  );
}
