import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContent, encodeContent, textContent } from './content.js';
import { utf8Encode } from './platform.js';

describe('message content', () => {
  it('round-trips any text through the envelope', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const opened = decodeContent(encodeContent(textContent(text)));
        expect(opened).toEqual({ ok: true, content: { v: 1, type: 'text', text } });
      }),
    );
  });

  it('rejects what is not a known envelope, never throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        const result = decodeContent(bytes);
        if (result.ok) expect(result.content.type).toBe('text');
      }),
    );
    const cases = [
      new Uint8Array([0xff, 0xfe]),
      utf8Encode('{"v":2,"type":"text","text":"hi"}'),
      utf8Encode('{"v":1,"type":"image"}'),
      utf8Encode('{"v":1,"type":"text","text":5}'),
      utf8Encode('"hi"'),
    ];
    for (const bytes of cases) expect(decodeContent(bytes).ok).toBe(false);
  });
});
