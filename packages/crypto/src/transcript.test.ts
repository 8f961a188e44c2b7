/**
 * The known-answer transcript (DESIGN.md §5): both backends must reproduce the committed file
 * byte for byte. To regenerate it after an intended protocol change:
 *
 *     KNOCK_WRITE_TRANSCRIPT=1 npx vitest run packages/crypto/src/transcript.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTranscript, TRANSCRIPT_FILE, transcriptText } from './testing/transcript.js';
import { backends } from './testing/vectors.js';

const file = new URL(`../test-vectors/${TRANSCRIPT_FILE}`, import.meta.url);
const WRITE = process.env['KNOCK_WRITE_TRANSCRIPT'] === '1';

// noble first, so that with KNOCK_WRITE_TRANSCRIPT=1 it writes the file the other one must match.
const order = [...backends].sort(([a], [b]) => (a === 'noble' ? -1 : b === 'noble' ? 1 : 0));

describe('known-answer transcript', () => {
  it.each(order)('is reproduced byte for byte by the %s backend', async (name, crypto) => {
    const actual = transcriptText(await buildTranscript(crypto));
    if (WRITE && name === 'noble') writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
