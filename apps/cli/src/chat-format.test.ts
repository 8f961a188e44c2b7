import type { PeerDisplay } from '@knock/client/knock-client';
import type { ChatSummary } from '@knock/protocol/http';
import { describe, expect, it } from 'vitest';
import {
  chatHandle,
  formatChatTable,
  formatUnopened,
  peerDescription,
  peerLabel,
} from './chat-format.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = 100 * DAY;

const direct: ChatSummary = {
  id: 'CCCCCCCCCCCCCCCCCCCCCC',
  kind: 'direct',
  peer: { id: 'BBBBBBBBBBBBBBBBBBBBBB', username: 'bob', displayName: 'Bob \u001b[31mRed' },
  createdAt: now - DAY,
  lastActivityAt: now - 2 * HOUR,
  expiresAt: now + 8 * DAY,
  lastSeq: 4,
  unreadCount: 3,
  ackedSeq: 4,
  readSeq: 1,
  peerAckedSeq: 4,
  peerReadSeq: 4,
  peerIdentityVersion: 1,
};

const hosted = (
  state: 'request' | 'accepted' | 'ignored',
  role: 'host' | 'guest' = 'host',
): ChatSummary => ({
  ...direct,
  id: 'GGGGGGGGGGGGGGGGGGGGGG',
  kind: 'guest',
  peer: { id: 'SSSSSSSSSSSSSSSSSSSSSS', username: '', displayName: '' },
  guest: { role, state, inviteId: 'IIIIIIIIIIIIIIIIIIIIII' },
  unreadCount: 1,
});

const sam: PeerDisplay = { name: 'Sam', badge: 'Guest', notice: 'Not registered' };
const bob: PeerDisplay = { name: 'Bob \u001b[31mRed' };

describe('chat formatting', () => {
  it('names direct chats by username and guest chats by id', () => {
    expect(chatHandle(direct)).toBe('bob');
    expect(chatHandle(hosted('request'))).toBe('GGGGGGGGGGGGGGGGGGGGGG');
  });

  it('puts the guest badge and notice beside the name, never inside it', () => {
    expect(peerLabel(direct, bob)).toBe('bob');
    expect(peerLabel(hosted('request'), sam)).toBe('Sam (Guest)');
    expect(peerDescription(hosted('request'), sam)).toBe('Sam (Guest) · Not registered');
    // A guest sees the host as the link's name, with neither badge nor notice.
    expect(peerDescription(hosted('request', 'guest'), { name: 'Ana’s \u202eBakery' })).toBe(
      'Ana’s \\u{202e}Bakery',
    );
  });

  it('lists direct and guest chats with an open request’s state', () => {
    const display = (chat: ChatSummary): PeerDisplay => (chat.kind === 'guest' ? sam : bob);
    const chats = [direct, hosted('request'), hosted('ignored'), hosted('accepted')];
    expect(formatChatTable(chats, display, now).split('\n')).toEqual([
      'CHAT                    NAME                                    UNREAD  LAST ACTIVITY  EXPIRES IN',
      'bob                     Bob \\x1b[31mRed                         3       2h ago         8d',
      'GGGGGGGGGGGGGGGGGGGGGG  Sam (Guest) · Not registered · request  1       2h ago         8d',
      'GGGGGGGGGGGGGGGGGGGGGG  Sam (Guest) · Not registered · ignored  1       2h ago         8d',
      'GGGGGGGGGGGGGGGGGGGGGG  Sam (Guest) · Not registered            1       2h ago         8d',
    ]);
  });

  it('tells how many guest chats are not opened yet', () => {
    expect(formatUnopened(1)).toBe(
      '1 guest chat is not opened here yet: `knock listen` opens new guest chats.',
    );
    expect(formatUnopened(2)).toMatch(/^2 guest chats are not opened/);
  });
});
