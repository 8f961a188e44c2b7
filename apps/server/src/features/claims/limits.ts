import type { Limits } from '../../platform/config.js';
import type { LimiterFactory } from '../../platform/rate-limit.js';
import type { ClaimLimits } from './service.js';

/** A host hears of a flood on one link at most once in this long. */
const FLOOD_NOTICE_WINDOW_S = 600;

/** The claim limits from the configuration (docs/operations.md lists them with defaults). */
export function claimLimits(limiter: LimiterFactory, limits: Limits): ClaimLimits {
  return {
    challengesPerIp: limiter({
      name: 'claim-challenge-ip',
      points: limits.challengesPerIpPerMinute,
      durationSeconds: 60,
    }),
    perIp: limiter({ name: 'claim-ip', points: limits.claimsPerIpPerMinute, durationSeconds: 60 }),
    perInvite: limiter({
      name: 'claim-invite',
      points: limits.claimsPerInvitePerMinute,
      durationSeconds: 60,
    }),
    perHost: limiter({
      name: 'claim-host',
      points: limits.claimsPerHostPerHour,
      durationSeconds: 3600,
    }),
    global: limiter({ name: 'claim-all', points: limits.claimsPerSecond, durationSeconds: 1 }),
    floodNotices: limiter({
      name: 'claim-flood-notice',
      points: 1,
      durationSeconds: FLOOD_NOTICE_WINDOW_S,
    }),
  };
}
