/** Test helpers: the two backends under test, hex conversion and the committed vector files. */
import { readFileSync } from 'node:fs';
import type { CryptoBackend } from '../backend.js';
import { nobleBackend } from '../noble-backend.js';
import { webCryptoBackend } from '../webcrypto-backend.js';

export const backends: readonly (readonly [string, CryptoBackend])[] = [
  ['webcrypto', webCryptoBackend],
  ['noble', nobleBackend],
];

export function hex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(text)) throw new Error(`bad hex: ${text}`);
  return Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Parses one file of `packages/crypto/test-vectors/`. */
export function loadVectors<T>(file: string): T {
  const url = new URL(`../../test-vectors/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** Wycheproof's per-test outcome. */
export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofFile<G> {
  readonly source: { readonly url: string; readonly commit: string };
  readonly testGroups: readonly G[];
}
