/** Test helpers: the two backends under test, hex conversion and the committed vector files. */
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

/** The URL of one file of `packages/crypto/test-vectors/`: a file in Node, an HTTP URL in a browser. */
export function vectorUrl(file: string): URL {
  return new URL(`../../test-vectors/${file}`, import.meta.url);
}

/**
 * Reads one file of `packages/crypto/test-vectors/`, from disk in Node and from the test server in
 * a browser, so that the same suites run in both.
 */
export async function loadVectorText(file: string): Promise<string> {
  const url = vectorUrl(file);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url, 'utf8');
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url.href}: HTTP ${response.status}`);
  return response.text();
}

/** Parses one file of `packages/crypto/test-vectors/`. */
export async function loadVectors<T>(file: string): Promise<T> {
  return JSON.parse(await loadVectorText(file)) as T;
}

/** Wycheproof's per-test outcome. */
export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofFile<G> {
  readonly source: { readonly url: string; readonly commit: string };
  readonly testGroups: readonly G[];
}
