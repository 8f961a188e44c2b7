import { describe, expect, it } from 'vitest';
import { MemberCache } from './member-cache.js';

/** Storage that answers when told to, counting reads. */
function storage(rows: Record<string, readonly string[]>) {
  const pending: (() => void)[] = [];
  let reads = 0;
  let failNext = false;
  const load = (chatId: string) => {
    reads++;
    const fail = failNext;
    failNext = false;
    return new Promise<readonly string[]>((resolve, reject) => {
      pending.push(() => {
        if (fail) reject(new Error('database is locked'));
        else resolve(rows[chatId] ?? []);
      });
    });
  };
  return {
    load,
    reads: () => reads,
    failOnce: () => (failNext = true),
    answer: () => {
      for (const settle of pending.splice(0)) settle();
    },
  };
}

describe('MemberCache', () => {
  it('reads a chat once for callers that miss together, then answers from memory', async () => {
    const db = storage({ c1: ['alice', 'bob'] });
    const cache = new MemberCache(db.load, 10);
    const together = [cache.get('c1'), cache.get('c1'), cache.get('c1')];
    expect(cache.known('c1')).toBeUndefined();
    db.answer();
    expect(await Promise.all(together)).toEqual([
      ['alice', 'bob'],
      ['alice', 'bob'],
      ['alice', 'bob'],
    ]);
    expect(cache.known('c1')).toEqual(['alice', 'bob']);
    expect(await cache.get('c1')).toEqual(['alice', 'bob']);
    expect(db.reads()).toBe(1);
  });

  it('does not keep a chat that does not exist, nor one forgotten while it was read', async () => {
    const db = storage({ c1: ['alice', 'bob'] });
    const cache = new MemberCache(db.load, 10);
    const missing = cache.get('gone');
    const forgotten = cache.get('c1');
    cache.forget('c1');
    db.answer();
    expect(await missing).toEqual([]);
    expect(await forgotten).toEqual(['alice', 'bob']);
    expect(cache.known('gone')).toBeUndefined();
    expect(cache.known('c1')).toBeUndefined();
    const again = cache.get('c1');
    db.answer();
    expect(await again).toEqual(['alice', 'bob']);
    expect(db.reads()).toBe(3);
  });

  it('lets the next caller read again after a failed read', async () => {
    const db = storage({ c1: ['alice', 'bob'] });
    const cache = new MemberCache(db.load, 10);
    db.failOnce();
    const failed = cache.get('c1');
    db.answer();
    await expect(failed).rejects.toThrow('database is locked');
    const retried = cache.get('c1');
    db.answer();
    expect(await retried).toEqual(['alice', 'bob']);
  });

  it('starts over once it holds its limit of chats', async () => {
    const db = storage({ c1: ['a', 'b'], c2: ['c', 'd'], c3: ['e', 'f'] });
    const cache = new MemberCache(db.load, 2);
    for (const chat of ['c1', 'c2', 'c3']) {
      const read = cache.get(chat);
      db.answer();
      await read;
    }
    expect([cache.known('c1'), cache.known('c2'), cache.known('c3')]).toEqual([
      undefined,
      undefined,
      ['e', 'f'],
    ]);
  });
});
