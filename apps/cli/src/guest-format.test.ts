import type { ChatSummary } from '@knock/protocol/http';
import { describe, expect, it } from 'vitest';
import { formatGuestEnded, formatJoined } from './guest-format.js';

const DAY = 86_400_000;
const now = 100 * DAY;

const request = {
  role: 'guest',
  state: 'request',
  inviteId: 'IIIIIIIIIIIIIIIIIIIIII',
  allowance: { messages: 3, bytes: 4096 },
} as const;

const chat: ChatSummary = {
  id: 'GGGGGGGGGGGGGGGGGGGGGG',
  kind: 'guest',
  peer: { id: 'AAAAAAAAAAAAAAAAAAAAAA', username: '', displayName: '' },
  guest: request,
  createdAt: now,
  lastActivityAt: now,
  expiresAt: now + 10 * DAY,
  lastSeq: 1,
  unreadCount: 0,
  ackedSeq: 1,
  readSeq: 0,
  peerAckedSeq: 0,
  peerReadSeq: 0,
  peerIdentityVersion: 1,
};

describe('guest output', () => {
  it('prints the chat, the host’s link name, the expiry and what may be sent before acceptance', () => {
    const joined = formatJoined({ name: 'Sam', hostName: 'Ana’s Bakery', chat }, now);
    expect(joined.human).toBe(
      'Joined Ana’s Bakery as Sam (chat GGGGGGGGGGGGGGGGGGGGGG, expires in 10d).\n' +
        'Until Ana’s Bakery accepts, you can send 3 messages.',
    );
    expect(joined.data).toEqual({
      type: 'joined',
      chatId: chat.id,
      name: 'Sam',
      hostName: 'Ana’s Bakery',
      expiresAt: now + 10 * DAY,
      guest: request,
    });
    const accepted = { ...chat, guest: { ...request, state: 'accepted' as const } };
    expect(formatJoined({ name: 'Sam', hostName: 'Ana\u001b[2J', chat: accepted }, now).human).toBe(
      'Joined Ana\\x1b[2J as Sam (chat GGGGGGGGGGGGGGGGGGGGGG, expires in 10d).',
    );
  });

  it('says whether ending found the chat still open', () => {
    expect(formatGuestEnded(chat.id, 'Ana', true)).toEqual({
      human: 'Ended the chat with Ana; its token and keys are removed from this machine.',
      data: { type: 'guest_ended', chatId: chat.id, wasOpen: true },
    });
    expect(formatGuestEnded(chat.id, 'Ana', false).human).toMatch(
      /^The chat with Ana had already ended/,
    );
  });
});
