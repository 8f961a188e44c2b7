import { describe, expect, it } from 'vitest';
import type { Names } from './listen-format.js';
import {
  formatChatClosed,
  formatGuestJoined,
  formatGuestState,
  formatInviteNotice,
  formatMessage,
  formatReceipt,
  formatState,
  formatTyping,
} from './listen-format.js';

const CHAT = 'CCCCCCCCCCCCCCCCCCCCCC';
const names: Names = { me: 'alice', peer: (chatId) => (chatId === CHAT ? 'bob' : undefined) };
const at = new Date(2030, 0, 2, 9, 5).getTime();

const message = {
  chatId: CHAT,
  seq: 7,
  senderId: 'BBBBBBBBBBBBBBBBBBBBBB',
  clientMessageId: 'client-id-1',
  sentAt: at,
  text: 'hi\nthere',
  own: false,
};

describe('listen output', () => {
  it('prints a message with time and sender, continuation lines indented', () => {
    const printed = formatMessage(message, names, at);
    expect(printed.human).toBe('09:05 bob: hi\n           there');
    expect(printed.data).toEqual({ type: 'message', from: 'bob', ...message });
  });

  it('prints own messages as sent to the peer, and dates on other days', () => {
    const printed = formatMessage(
      { ...message, own: true, text: 'yo' },
      names,
      at + 2 * 86_400_000,
    );
    expect(printed.human).toBe('2030-01-02 09:05 alice → bob: yo');
    expect(printed.data.from).toBe('alice');
  });

  it('prints receipts, typing and expiry in words', () => {
    const receipt = { chatId: CHAT, userId: 'BBBBBBBBBBBBBBBBBBBBBB', seq: 7 };
    expect(formatReceipt({ ...receipt, kind: 'read' }, names).human).toBe('bob read up to #7');
    expect(formatReceipt({ ...receipt, kind: 'delivered' }, names).human).toBe(
      'delivered to bob up to #7',
    );
    expect(formatTyping({ chatId: CHAT, userId: 'B', typing: true }, names).human).toBe(
      'bob is typing…',
    );
    expect(
      formatChatClosed({ chatId: 'XXXXXXXXXXXXXXXXXXXXXX', reason: 'expired' }, names),
    ).toEqual({
      human: 'chat with chat XXXXXXXXXXXXXXXXXXXXXX expired',
      data: {
        type: 'chat_closed',
        peer: 'chat XXXXXXXXXXXXXXXXXXXXXX',
        chatId: 'XXXXXXXXXXXXXXXXXXXXXX',
        reason: 'expired',
      },
    });
  });

  it('tells why a chat closed', () => {
    const closed = (reason: 'expired' | 'ended' | 'blocked') =>
      formatChatClosed({ chatId: CHAT, reason }, names).human;
    expect(closed('expired')).toBe('chat with bob expired');
    expect(closed('ended')).toBe('chat with bob ended');
    expect(closed('blocked')).toBe('bob is blocked; the chat is closed');
  });

  it('announces a guest with the badge and how to accept, and request changes by side', () => {
    const chat = {
      id: CHAT,
      kind: 'guest',
      peer: { id: 'SSSSSSSSSSSSSSSSSSSSSS', username: '', displayName: '' },
      guest: { role: 'host', state: 'request', inviteId: 'IIIIIIIIIIIIIIIIIIIIII' },
      createdAt: at,
      lastActivityAt: at,
      expiresAt: at,
      lastSeq: 1,
      unreadCount: 0,
      ackedSeq: 1,
      readSeq: 0,
      peerAckedSeq: 1,
      peerReadSeq: 0,
      peerIdentityVersion: 0,
    } as const;
    const joined = formatGuestJoined({ chat, name: 'Sam' }, 'Sam (Guest) · Not registered');
    expect(joined.human).toBe(
      `Sam (Guest) · Not registered opened your link: a request in chat ${CHAT} (reply, or \`knock chat accept ${CHAT}\`)`,
    );
    expect(joined.data).toMatchObject({ type: 'guest_joined', chatId: CHAT, name: 'Sam' });
    const info = { role: 'guest', state: 'accepted', inviteId: 'I' } as const;
    expect(formatGuestState(CHAT, info, names).human).toBe(
      'bob accepted your request: write as much as you like',
    );
    expect(formatGuestState(CHAT, { ...info, role: 'host', state: 'ignored' }, names)).toEqual({
      human: 'the request of bob is now ignored',
      data: { type: 'guest_state', chatId: CHAT, peer: 'bob', state: 'ignored' },
    });
  });

  it('warns the host about a link claimed twice or flooded', () => {
    const inviteId = 'IIIIIIIIIIIIIIIIIIIIII';
    expect(formatInviteNotice({ inviteId, notice: 'used_twice' }).human).toMatch(
      /one-time link I+ was claimed again after its first guest/,
    );
    expect(formatInviteNotice({ inviteId, notice: 'claim_flood' })).toEqual({
      human: `claims on your link ${inviteId} come too fast and are refused; if that is unexpected, \`knock invite revoke ${inviteId}\``,
      data: { type: 'invite_notice', inviteId, notice: 'claim_flood' },
    });
  });

  it('describes connection states', () => {
    expect(formatState({ state: 'offline', retryInMs: 1_500, closeCode: 1006 }).human).toBe(
      'connection lost; reconnecting in 1.5s',
    );
    expect(formatState({ state: 'online' }).data).toEqual({ type: 'connection', state: 'online' });
  });
});
