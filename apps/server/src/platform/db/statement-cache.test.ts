import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

describe('statement cache', () => {
  it('prepares each SQL string once and stays within its bound', () => {
    const database = new SQLite(':memory:');
    const cached = withStatementCache(database, 2);
    const first = cached.prepare('SELECT 1 AS one');
    expect(cached.prepare('SELECT 1 AS one')).toBe(first);
    cached.prepare('SELECT 2 AS two');
    cached.prepare('SELECT 3 AS three'); // over the bound: the cache starts again
    expect(cached.prepare('SELECT 1 AS one')).not.toBe(first);
    cached.close();
    expect(database.open).toBe(false);
  });
});
