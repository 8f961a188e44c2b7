import { ChatClosedReason } from '@knock/protocol/frames';
import * as v from 'valibot';

/** Members as shared by the caches they come from: read, never changed. */
const MemberIds = v.pipe(v.array(v.string()), v.readonly());
const ChatRef = { chatId: v.string(), memberIds: MemberIds };

/** What nodes tell each other. Hints only: storage stays the truth. */
export const RelayEvent = v.variant('kind', [
  v.object({ kind: v.literal('messages'), ...ChatRef, upToSeq: v.number() }),
  v.object({
    kind: v.literal('receipt'),
    ...ChatRef,
    userId: v.string(),
    receipt: v.picklist(['delivered', 'read']),
    seq: v.number(),
  }),
  v.object({ kind: v.literal('typing'), ...ChatRef, userId: v.string(), typing: v.boolean() }),
  v.object({ kind: v.literal('chat_created'), ...ChatRef }),
  /** The chat's summary changed (a guest request accepted): members get it again. */
  v.object({ kind: v.literal('chat_changed'), ...ChatRef }),
  v.object({ kind: v.literal('chat_closed'), ...ChatRef, reason: ChatClosedReason }),
  v.object({
    kind: v.literal('invite_notice'),
    memberIds: MemberIds,
    inviteId: v.string(),
    notice: v.picklist(['used_twice', 'claim_flood']),
  }),
  v.object({
    kind: v.literal('identity_changed'),
    memberIds: MemberIds,
    userId: v.string(),
    identityVersion: v.number(),
  }),
  /** Sockets opened with this session close (signed out, or a guest revoked its token). */
  v.object({ kind: v.literal('session_revoked'), userId: v.string(), tokenHash: v.string() }),
  v.object({
    kind: v.literal('keys_low'),
    userId: v.string(),
    oneTimePrekeys: v.number(),
    kemOneTimePrekeys: v.number(),
  }),
]);
export type RelayEvent = v.InferOutput<typeof RelayEvent>;

export function parseRelayEvent(raw: unknown): RelayEvent | undefined {
  const result = v.safeParse(RelayEvent, raw);
  return result.success ? result.output : undefined;
}
