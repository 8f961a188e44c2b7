import { nobleBackend } from '@knock/crypto/noble-backend';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { describe, expect, it } from 'vitest';
import { measureCryptoCost } from './crypto-cost.js';

describe('measureCryptoCost', () => {
  it.each([webCryptoBackend, nobleBackend])('measures every case on $name', async (backend) => {
    const cases = await measureCryptoCost(backend, { sizes: [16, 300], messages: 5, runs: 2 });
    expect(cases.map((c) => [c.pattern, c.plaintextBytes])).toEqual([
      ['ping-pong', 16],
      ['ping-pong', 300],
      ['burst', 16],
      ['burst', 300],
    ]);
    for (const c of cases) {
      expect(c).toMatchObject({ backend: backend.name, messagesPerRun: 5 });
      expect(c.microsPerMessage).toHaveLength(2);
      expect(c.microsPerMessage.every((m) => m > 0)).toBe(true);
    }
  });
});
