import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.publicUrl.origin).toBe('http://localhost:8080');
    expect(config.database).toMatchObject({ kind: 'sqlite' });
    expect(
      config.database.kind === 'sqlite' && config.database.file.endsWith('data/knock.db'),
    ).toBe(true);
    expect(config.redisUrl).toBeUndefined();
    expect(config.chatTtlMs).toBe(10 * 86_400_000);
    expect(config.testMode).toBe(false);
    expect(Object.isFrozen(config) && Object.isFrozen(config.limits)).toBe(true);
  });

  it('reads PostgreSQL URLs, SQLite paths and fractional TTLs', () => {
    expect(loadConfig({ KNOCK_DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(loadConfig({ KNOCK_DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      kind: 'sqlite',
      file: '/tmp/x.db',
    });
    expect(loadConfig({ KNOCK_CHAT_TTL_DAYS: '0.5' }).chatTtlMs).toBe(43_200_000);
  });

  it('refuses bad values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ KNOCK_CHAT_TTL_DAYS: '-1' })).toThrow(/KNOCK_CHAT_TTL_DAYS/);
    expect(() => loadConfig({ KNOCK_PUBLIC_URL: 'ftp://x' })).toThrow(/KNOCK_PUBLIC_URL/);
    expect(() => loadConfig({ KNOCK_DATABASE_URL: 'mysql://x' })).toThrow(/KNOCK_DATABASE_URL/);
  });
});
