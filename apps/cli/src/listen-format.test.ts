import { describe, expect, it } from 'vitest';
import type { Names } from './listen-format.js';
import {
  formatChatClosed,
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

  it('describes connection states', () => {
    expect(formatState({ state: 'offline', retryInMs: 1_500, closeCode: 1006 }).human).toBe(
      'connection lost; reconnecting in 1.5s',
    );
    expect(formatState({ state: 'online' }).data).toEqual({ type: 'connection', state: 'online' });
  });
});
