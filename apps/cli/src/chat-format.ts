import type { PeerDisplay } from '@knock/client/knock-client';
import type { ChatSummary } from '@knock/protocol/http';
import { formatAgo, formatExpiresIn, formatTable, sanitize } from './format.js';

/**
 * What other commands take to name a chat: a direct chat's peer username, a guest chat's id (a
 * guest has no username, and its name is whatever the guest typed).
 */
export function chatHandle(chat: ChatSummary): string {
  return chat.kind === 'guest' ? chat.id : chat.peer.username;
}

/**
 * The other side of a chat in one line of output: a direct chat's username, a guest chat's name
 * with its badge beside it, never inside it: `Sam (Guest)`. The host of a guest chat is the name
 * of its link, as the guest sees it.
 */
export function peerLabel(chat: ChatSummary, display: PeerDisplay): string {
  if (chat.kind !== 'guest') return chat.peer.username;
  const name = sanitize(display.name);
  return display.badge === undefined ? name : `${name} (${display.badge})`;
}

/** The label and the notice a guest always carries: `Sam (Guest) · Not registered`. */
export function peerDescription(chat: ChatSummary, display: PeerDisplay): string {
  const label = peerLabel(chat, display);
  return display.notice === undefined ? label : `${label} · ${display.notice}`;
}

/** The NAME cell: a display name, or a guest with its notice and an open request's state. */
function nameCell(chat: ChatSummary, display: PeerDisplay): string {
  if (chat.kind !== 'guest') return sanitize(display.name);
  const state = chat.guest?.state;
  const pending = state === undefined || state === 'accepted' ? [] : [state];
  return [peerDescription(chat, display), ...pending].join(' · ');
}

/** The human table of `knock chat list`; `display` is the client's `peerDisplay`. */
export function formatChatTable(
  chats: readonly ChatSummary[],
  display: (chat: ChatSummary) => PeerDisplay,
  now: number,
): string {
  return formatTable(
    ['CHAT', 'NAME', 'UNREAD', 'LAST ACTIVITY', 'EXPIRES IN'],
    chats.map((chat) => [
      chatHandle(chat),
      nameCell(chat, display(chat)),
      String(chat.unreadCount),
      formatAgo(chat.lastActivityAt, now),
      formatExpiresIn(chat.expiresAt, now),
    ]),
  );
}

/** Below the table: guest chats whose first message this machine has not opened yet. */
export function formatUnopened(count: number): string {
  const chats = count === 1 ? '1 guest chat is' : `${count} guest chats are`;
  return `${chats} not opened here yet: \`knock listen\` opens new guest chats.`;
}
