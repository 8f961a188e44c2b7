import { expect, it } from 'vitest';
import type { HistoryEntry, MessageHistory } from '../history.js';

const chatA = 'AAAAAAAAAAAAAAAAAAAAAA';
const chatB = 'BBBBBBBBBBBBBBBBBBBBBB';

const entry = (n: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  chatId: chatA,
  clientMessageId: `message-${n}`,
  seq: n,
  own: false,
  text: `text ${n}`,
  sentAt: 1000 + n,
  ...extra,
});

/** What every MessageHistory does; run against each implementation. */
export function historyContract(open: () => Promise<MessageHistory>): void {
  it('lists a chat in seq order, then messages still waiting by time', async () => {
    const history = await open();
    await history.put(entry(3));
    await history.put(entry(9, { seq: undefined, own: true, sentAt: 5 }));
    await history.put(entry(1));
    await history.put(entry(8, { seq: undefined, own: true, sentAt: 2 }));
    await history.put(entry(2, { chatId: chatB }));
    const ids = (await history.list(chatA)).map((e) => e.clientMessageId);
    expect(ids).toEqual(['message-1', 'message-3', 'message-8', 'message-9']);
    expect(await history.list(chatB)).toHaveLength(1);
    await history.close();
  });

  it('updates an entry in place and never forgets its seq', async () => {
    const history = await open();
    await history.put(entry(5, { seq: undefined, own: true, sentAt: 1 }));
    await history.put(entry(5, { seq: 7, own: true, sentAt: 2000 }));
    await history.put(entry(5, { seq: undefined, own: true, sentAt: 3000, failed: 'late' }));
    const [only, ...rest] = await history.list(chatA);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ seq: 7, sentAt: 3000 });
    expect(only?.failed).toBeUndefined();
    await history.close();
  });

  it('patches a stored entry with what the server said, and nothing else', async () => {
    const history = await open();
    await history.put(entry(6, { seq: undefined, own: true, sentAt: 1 }));
    expect(await history.patch(chatA, 'message-6', { seq: 9, sentAt: 2000 })).toMatchObject({
      seq: 9,
      sentAt: 2000,
      text: 'text 6',
    });
    expect(await history.patch(chatA, 'message-404', { seq: 1 })).toBeUndefined();
    expect(await history.patch(chatB, 'message-6', { seq: 1 })).toBeUndefined();
    expect(await history.list(chatA)).toMatchObject([{ clientMessageId: 'message-6', seq: 9 }]);
    expect(await history.list(chatB)).toEqual([]);
    await history.close();
  });

  it('keeps a refused message marked failed', async () => {
    const history = await open();
    await history.put(entry(4, { seq: undefined, own: true }));
    await history.put(entry(4, { seq: undefined, own: true, failed: 'request_limit' }));
    expect(await history.list(chatA)).toMatchObject([{ failed: 'request_limit' }]);
    await history.close();
  });

  it('deletes one chat and leaves the others', async () => {
    const history = await open();
    await history.put(entry(1));
    await history.put(entry(2, { chatId: chatB }));
    await history.deleteChat(chatA);
    expect(await history.list(chatA)).toEqual([]);
    expect(await history.list(chatB)).toHaveLength(1);
    await history.close();
  });
}
