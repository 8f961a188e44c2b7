/**
 * The browser side of the end-to-end encryption cost benchmark: bundled by esbuild with
 * `@knock/crypto` and loaded into a blank Chromium page, where it exposes {@link CryptoPageApi}.
 */
import { nobleBackend } from '@knock/crypto/noble-backend';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { measureCryptoCost } from './crypto-cost.js';
import { PAGE_GLOBAL, type CryptoPageApi } from './crypto-page-api.js';

async function supports(name: 'X25519' | 'Ed25519'): Promise<boolean> {
  const usages = name === 'X25519' ? ['deriveBits' as const] : ['sign' as const];
  try {
    await globalThis.crypto.subtle.generateKey({ name }, false, usages);
    return true;
  } catch {
    return false;
  }
}

const api: CryptoPageApi = {
  async nativeCurves() {
    return (await supports('X25519')) && (await supports('Ed25519'));
  },
  measure(backend, config) {
    return measureCryptoCost(backend === 'webcrypto' ? webCryptoBackend : nobleBackend, config);
  },
};

Object.assign(globalThis, { [PAGE_GLOBAL]: api });
