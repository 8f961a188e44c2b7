/**
 * The known-answer transcript (DESIGN.md §5): both backends must reproduce the committed file
 * byte for byte, in Node and in the browser. To regenerate it after an intended protocol change:
 *
 *     KNOCK_WRITE_TRANSCRIPT=1 npx vitest run --project node packages/crypto/src/transcript.test.ts
 */
import { describe, expect, it } from 'vitest';
import { buildTranscript, TRANSCRIPT_FILE, transcriptText } from './testing/transcript.js';
import { backends, loadVectorText, vectorUrl } from './testing/vectors.js';

const WRITE = typeof process !== 'undefined' && process.env['KNOCK_WRITE_TRANSCRIPT'] === '1';

// noble first, so that with KNOCK_WRITE_TRANSCRIPT=1 it writes the file the other one must match.
const order = [...backends].sort(([a], [b]) => (a === 'noble' ? -1 : b === 'noble' ? 1 : 0));

describe('known-answer transcript', () => {
  it.each(order)('is reproduced byte for byte by the %s backend', async (name, crypto) => {
    const actual = transcriptText(await buildTranscript(crypto));
    if (WRITE && name === 'noble') {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(vectorUrl(TRANSCRIPT_FILE), actual);
    }
    expect(actual).toBe(await loadVectorText(TRANSCRIPT_FILE));
  });
});
