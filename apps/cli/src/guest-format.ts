import type { ChatSummary } from '@knock/protocol/http';
import { formatExpiresIn, sanitize } from './format.js';
import type { Printable } from './listen-format.js';

/** What `knock guest join` prints once in: the chat, the host's link name and the expiry. */
export function formatJoined(
  joined: { name: string; hostName: string; chat: ChatSummary },
  now: number,
): Printable {
  const { chat } = joined;
  const host = sanitize(joined.hostName);
  const allowance = chat.guest?.state === 'accepted' ? undefined : chat.guest?.allowance;
  const until =
    allowance === undefined
      ? ''
      : `\nUntil ${host} accepts, you can send ${allowance.messages} message${allowance.messages === 1 ? '' : 's'}.`;
  return {
    human: `Joined ${host} as ${sanitize(joined.name)} (chat ${chat.id}, expires in ${formatExpiresIn(chat.expiresAt, now)}).${until}`,
    data: {
      type: 'joined',
      chatId: chat.id,
      name: joined.name,
      hostName: joined.hostName,
      expiresAt: chat.expiresAt,
      ...(chat.guest && { guest: chat.guest }),
    },
  };
}

/** What `knock guest end` prints. */
export function formatGuestEnded(chatId: string, hostName: string, wasOpen: boolean): Printable {
  const host = sanitize(hostName);
  return {
    human: wasOpen
      ? `Ended the chat with ${host}; its token and keys are removed from this machine.`
      : `The chat with ${host} had already ended; its token and keys are removed from this machine.`,
    data: { type: 'guest_ended', chatId, wasOpen },
  };
}
