import * as v from 'valibot';
import { PrekeyBundleJson } from './keys.js';
import { normaliseDisplayName } from './names.js';
import { Id, Timestamp } from './primitives.js';

/**
 * Guest links' bodies (docs/protocol.md, "Invites"). The server files an invite under the id the
 * link's secret derives (`inviteId`) and keeps the host's signed invite bundle to hand to guests;
 * it checks the bundle's shape and that it names this invite and this expiry, never its signature
 * — the guest verifies that against the link (packages/crypto, invite-bundle.ts).
 */

/** Reusable links may be used at most this many times, when the host sets a limit. */
export const MAX_INVITE_USES = 10_000;
/** An invite expires at most this far ahead of its creation. */
export const MAX_INVITE_LIFETIME_MS = 90 * 86_400_000;
/** Longest host-only note on an invite. */
export const MAX_INVITE_LABEL_LENGTH = 64;

/** 16 bytes (the id the link's secret derives) as 22 characters of unpadded base64url. */
export const InviteId = Id;

/** A display name as guests will see it: already normalised, since the host signed it as is. */
export const InviteDisplayName = v.pipe(
  v.string(),
  v.check(
    (name) => normaliseDisplayName(name) === name,
    'the display name must be 1 to 64 characters, normalised, without control or direction characters',
  ),
);

/** An Ed25519 signature: 64 bytes as unpadded base64url. */
const Signature = v.pipe(v.string(), v.length(86), v.regex(/^[A-Za-z0-9_-]*$/));

/** The invite's prekeys: the host's identity, a signed prekey and an ML-KEM prekey, never a one-time prekey. */
const InvitePrekeys = v.pipe(
  PrekeyBundleJson,
  v.check((b) => b.oneTimePrekey === null, 'an invite bundle has no one-time prekey'),
);

/** `inviteBundleToJSON` of packages/crypto. */
export const InviteBundleJson = v.strictObject({
  version: v.literal(1),
  prekeys: InvitePrekeys,
  inviteId: InviteId,
  expiresAt: v.nullable(v.pipe(Timestamp, v.minValue(1))),
  displayName: InviteDisplayName,
  signature: Signature,
});
export type InviteBundleJson = v.InferOutput<typeof InviteBundleJson>;

export const InviteKind = v.picklist(['one_time', 'reusable']);
export type InviteKind = v.InferOutput<typeof InviteKind>;

/**
 * `POST /api/invites`. The bundle must name this invite id and this expiry (none when `expiresAt`
 * is absent); a one-time link's ML-KEM prekey is one-time, a reusable link's is last-resort (it
 * answers every guest). The server also checks that `expiresAt` is in the future and at most 90
 * days ahead of its clock.
 */
export const CreateInviteRequest = v.pipe(
  v.strictObject({
    inviteId: InviteId,
    kind: InviteKind,
    /** A note for the host alone; guests never see it. */
    label: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_INVITE_LABEL_LENGTH))),
    /** Reusable links only: how many guests may claim it (a one-time link is claimed once). */
    maxUses: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_INVITE_USES)),
    ),
    expiresAt: v.optional(v.pipe(Timestamp, v.minValue(1))),
    bundle: InviteBundleJson,
  }),
  v.check(
    (r) => r.kind === 'reusable' || r.maxUses === undefined,
    'maxUses is for reusable invites only',
  ),
  v.check((r) => r.bundle.inviteId === r.inviteId, 'the bundle is for another invite'),
  v.check(
    (r) => r.bundle.expiresAt === (r.expiresAt ?? null),
    'the bundle names another expiry than the request',
  ),
  v.check(
    (r) => r.bundle.prekeys.kemPrekey.lastResort === (r.kind === 'reusable'),
    "a reusable invite's ML-KEM prekey is last-resort, a one-time invite's is not",
  ),
);
export type CreateInviteRequest = v.InferOutput<typeof CreateInviteRequest>;

/**
 * Where an invite stands, in this order: `revoked` by the host, `expired`, `claimed` (a one-time
 * link that was used), `used_up` (a reusable link at its limit), else `open`.
 */
export const InviteState = v.picklist(['open', 'claimed', 'used_up', 'expired', 'revoked']);
export type InviteState = v.InferOutput<typeof InviteState>;

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** What the host sees of one invite (never the bundle's keys). */
export const InviteSummary = v.object({
  id: InviteId,
  kind: InviteKind,
  label: v.nullable(v.string()),
  displayName: v.string(),
  state: InviteState,
  uses: Count,
  /** 1 for a one-time link; null for a reusable link without a limit. */
  maxUses: v.nullable(Count),
  createdAt: Timestamp,
  expiresAt: v.nullable(Timestamp),
  lastClaimedAt: v.nullable(Timestamp),
  /** The last claim, or the last message in a guest chat it started. */
  lastActivityAt: v.nullable(Timestamp),
  revokedAt: v.nullable(Timestamp),
  /** Claims refused because the link could take no more (a one-time link claimed again). */
  refusedClaims: Count,
  /** Guest chats it started that the server still holds. */
  chats: Count,
});
export type InviteSummary = v.InferOutput<typeof InviteSummary>;

/** `GET /api/invites`: the host's invites, newest first. */
export const InviteListResponse = v.object({ invites: v.array(InviteSummary) });
export type InviteListResponse = v.InferOutput<typeof InviteListResponse>;

/** `POST /api/invites` → 201. */
export const InviteResponse = v.object({ invite: InviteSummary });
export type InviteResponse = v.InferOutput<typeof InviteResponse>;

/** `DELETE /api/invites`: how many open invites were revoked. */
export const RevokeAllResponse = v.object({ revoked: Count });
export type RevokeAllResponse = v.InferOutput<typeof RevokeAllResponse>;

/** `GET /api/invites/:id/bundle` (no authentication): the bundle of an open invite. */
export const InviteBundleResponse = v.object({ bundle: InviteBundleJson });
export type InviteBundleResponse = v.InferOutput<typeof InviteBundleResponse>;

/** The state an invite is in at `now` (see `InviteState`). */
export function inviteState(
  invite: {
    kind: InviteKind;
    uses: number;
    maxUses: number | null;
    expiresAt: number | null;
    revokedAt: number | null;
  },
  now: number,
): InviteState {
  if (invite.revokedAt !== null) return 'revoked';
  if (invite.expiresAt !== null && invite.expiresAt <= now) return 'expired';
  if (invite.kind === 'one_time') return invite.uses >= 1 ? 'claimed' : 'open';
  return invite.maxUses !== null && invite.uses >= invite.maxUses ? 'used_up' : 'open';
}
