/** Runs in Chromium only: the history a browser app keeps, including across a re-open. */
import { afterEach, describe, expect, it } from 'vitest';
import { IndexedDbHistory } from './indexeddb-history.browser.js';
import { historyContract } from './testing/history-contract.js';

let count = 0;
const names: string[] = [];
const fresh = () => {
  const name = `knock-history-test-${Date.now()}-${++count}`;
  names.push(name);
  return name;
};

afterEach(async () => {
  for (const name of names.splice(0)) await IndexedDbHistory.delete(name);
});

describe('IndexedDbHistory', () => {
  historyContract(() => IndexedDbHistory.open(fresh()));

  it('keeps messages across a re-open, as a reload does', async () => {
    const name = fresh();
    const first = await IndexedDbHistory.open(name);
    const base = { chatId: 'AAAAAAAAAAAAAAAAAAAAAA', own: true, text: 'hé 👋', sentAt: 1 };
    await first.put({ ...base, clientMessageId: 'message-1', seq: 1 });
    await first.close();
    const again = await IndexedDbHistory.open(name);
    expect(await again.list(base.chatId)).toEqual([
      { ...base, clientMessageId: 'message-1', seq: 1 },
    ]);
    await again.close();
  });
});
