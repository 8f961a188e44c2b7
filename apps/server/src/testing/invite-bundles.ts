import { randomBytes } from 'node:crypto';
import type { CreateInviteRequest, InviteBundleJson } from '@knock/protocol/invites';

/**
 * Structurally valid invite bundles from random bytes of the right lengths. The server checks
 * shapes, never signatures (the guest does), so tests need no keys.
 */
const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');

/** A fresh 16-byte invite id, as the link's secret would derive it. */
export const newInviteId = () => b64(16);

export function inviteBundle(
  inviteId: string,
  options: { expiresAt?: number | null; displayName?: string; reusable?: boolean } = {},
): InviteBundleJson {
  return {
    version: 1,
    prekeys: {
      version: 1,
      identity: { signingKey: b64(32), dhKey: b64(32), signature: b64(64) },
      signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) },
      kemPrekey: {
        id: 1,
        lastResort: options.reusable ?? false,
        publicKey: b64(1184),
        signature: b64(64),
      },
      oneTimePrekey: null,
    },
    inviteId,
    expiresAt: options.expiresAt ?? null,
    displayName: options.displayName ?? 'Ann at the bakery',
    signature: b64(64),
  };
}

/** A `POST /api/invites` body whose bundle matches it. */
export function createInviteBody(
  options: {
    inviteId?: string;
    kind?: 'one_time' | 'reusable';
    label?: string;
    maxUses?: number;
    expiresAt?: number;
    displayName?: string;
  } = {},
): CreateInviteRequest {
  const inviteId = options.inviteId ?? newInviteId();
  const kind = options.kind ?? 'one_time';
  return {
    inviteId,
    kind,
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(options.maxUses === undefined ? {} : { maxUses: options.maxUses }),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    bundle: inviteBundle(inviteId, {
      expiresAt: options.expiresAt ?? null,
      reusable: kind === 'reusable',
      ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
    }),
  };
}
