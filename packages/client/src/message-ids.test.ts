import { CLIENT_MESSAGE_ID_PATTERN } from '@knock/protocol/limits';
import { describe, expect, it } from 'vitest';
import { newClientMessageId, ServerClock } from './message-ids.js';

const timeOf = (id: string) => parseInt(id.slice(0, 9), 32);

describe('newClientMessageId', () => {
  it('starts with the server time in nine base-32 digits, then 96 random bits', () => {
    const id = newClientMessageId(1_795_000_000_123);
    expect(id).toMatch(CLIENT_MESSAGE_ID_PATTERN);
    expect(id).toHaveLength(25);
    expect(timeOf(id)).toBe(1_795_000_000_123);
    expect(newClientMessageId(1_795_000_000_123)).not.toBe(id);
  });

  it('sorts ids by their time, byte by byte, as the server index compares them', () => {
    const times = [0, 1, 31, 32, 1_023, 1_024, 1_700_000_000_000, 1_795_000_000_000, 32 ** 9 - 1];
    const ids = times.map((t) => newClientMessageId(t));
    const sorted = [...ids].sort((a, b) =>
      Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1')),
    );
    expect(sorted).toEqual(ids);
    expect(ids.map(timeOf)).toEqual(times);
  });

  it('makes distinct ids within one millisecond, past a refill of its random bytes', () => {
    const ids = Array.from({ length: 1_000 }, () => newClientMessageId(1_795_000_000_000));
    expect(new Set(ids).size).toBe(1_000);
    expect(new Set(ids.map(timeOf))).toEqual(new Set([1_795_000_000_000]));
    expect(new Set(ids.map((id) => id.slice(9))).size).toBe(1_000);
  });

  it('keeps the time within its nine digits', () => {
    expect(timeOf(newClientMessageId(-5))).toBe(0);
    expect(timeOf(newClientMessageId(32 ** 9 + 10))).toBe(32 ** 9 - 1);
  });

  it('is 128 random bits when the server time is not known yet', () => {
    const id = newClientMessageId(undefined);
    expect(id).toMatch(CLIENT_MESSAGE_ID_PATTERN);
    expect(id).toHaveLength(22);
  });
});

describe('ServerClock', () => {
  it("follows the server's clock from the device's, whatever the device's is set to", () => {
    let device = 5_000_000;
    const clock = new ServerClock(() => device);
    expect(clock.time()).toBeUndefined();
    clock.observe(1_795_000_000_000);
    device += 250;
    expect(clock.time()).toBe(1_795_000_000_250);
    clock.observe(1_795_000_001_000);
    expect(clock.time()).toBe(1_795_000_001_000);
  });
});
