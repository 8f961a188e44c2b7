/** What the bundled benchmark page (crypto-page.ts) exposes on `globalThis` to the Node side. */
import type { BackendName } from '@knock/crypto/backend';
import type { CryptoCostCase, CryptoCostConfig } from './crypto-cost.js';

export interface CryptoPageApi {
  /** Whether the page's own WebCrypto implements X25519 and Ed25519 (no polyfill involved). */
  nativeCurves(): Promise<boolean>;
  measure(backend: BackendName, config: CryptoCostConfig): Promise<CryptoCostCase[]>;
}

export const PAGE_GLOBAL = 'knockCryptoCost';
