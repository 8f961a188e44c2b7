import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64urlStrict, encodeBase64url } from './base64url.js';
import { decodeBundle } from './bundle-codec.js';
import { CryptoError } from './errors.js';
import { MAX_PLAINTEXT_LENGTH, pad, paddedLength, unpad } from './padding.js';
import { decodeMessage } from './wire-message.js';
import { nobleBackend } from './noble-backend.js';
import { establish } from './testing/parties.js';
import { utf8 } from './utf8.js';
import { encrypt } from './session.js';
import { ML_KEM_768 } from './ml-kem.js';
import { KEY_AGREEMENT_LENGTH, MESSAGE_TYPE, paddedContentLength } from './wire-sizes.js';

function throwsOnlyCryptoError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
  }
}

describe('padding', () => {
  it('pads to the documented buckets', () => {
    const cases: [number, number][] = [
      [0, 64],
      [63, 64],
      [64, 128],
      [511, 512],
      [512, 1024],
      [4095, 4096],
      [4096, 8192],
      [10_000, 12_288],
    ];
    for (const [length, padded] of cases) expect(paddedLength(length)).toBe(padded);
    expect(() => pad(new Uint8Array(MAX_PLAINTEXT_LENGTH + 1))).toThrow(CryptoError);
  });

  it('round-trips and unpads strictly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (plaintext) => {
        const padded = pad(plaintext);
        expect(padded.length).toBe(paddedLength(plaintext.length));
        expect(unpad(padded)).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
    for (const bad of [
      new Uint8Array(64),
      Uint8Array.of(1, 0x80),
      (() => {
        const p = pad(new Uint8Array(10));
        p[63] = 1;
        return p;
      })(),
      pad(new Uint8Array(10)).subarray(0, 32),
      new Uint8Array([...pad(new Uint8Array(100)), ...new Uint8Array(64)]),
    ]) {
      expect(() => unpad(bad)).toThrow(expect.objectContaining({ code: 'malformed' }));
    }
  });
});

describe('wire parsing', () => {
  it('never crashes on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        throwsOnlyCryptoError(() => decodeMessage(bytes));
        throwsOnlyCryptoError(() => decodeBundle(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('never crashes on mutated real messages', async () => {
    const { first, alice } = await establish(nobleBackend);
    void alice;
    fc.assert(
      fc.property(
        fc.nat(first.length),
        fc.nat(first.length),
        fc.uint8Array({ maxLength: 8 }),
        (cut, at, insert) => {
          const mutated = new Uint8Array([
            ...first.subarray(0, Math.min(cut, at)),
            ...insert,
            ...first.subarray(Math.max(cut, at)),
          ]);
          throwsOnlyCryptoError(() => decodeMessage(mutated));
          throwsOnlyCryptoError(() => decodeMessage(mutated.subarray(1600)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encodes base64url canonically', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64urlStrict(text)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
    for (const bad of ['AB', 'A', 'AA==', 'A+', 5]) {
      expect(() => decodeBase64urlStrict(bad)).toThrow(CryptoError);
    }
  });

  it('encodes UTF-8 as TextEncoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (text) => {
        expect(utf8(text)).toEqual(new TextEncoder().encode(text));
      }),
      { numRuns: 100 },
    );
    expect(utf8('\ud800x')).toEqual(new TextEncoder().encode('\ud800x'));
  });
});

describe('wire sizes', () => {
  it('measures the padded content of initial and ratchet messages without parsing them', async () => {
    const { first, alice } = await establish(nobleBackend);
    expect(first[1]).toBe(MESSAGE_TYPE.initial);
    expect(KEY_AGREEMENT_LENGTH).toBe(2 + 128 + 32 + 4 + 4 + 5 + ML_KEM_768.ciphertextLength);
    expect(paddedContentLength(first)).toBe(paddedLength(utf8('hello').length));
    const text = utf8('x'.repeat(700));
    const { message } = await encrypt(nobleBackend, alice, text);
    expect(paddedContentLength(message)).toBe(paddedLength(text.length));
    expect(paddedContentLength(new Uint8Array(3))).toBe(0);
  });
});
