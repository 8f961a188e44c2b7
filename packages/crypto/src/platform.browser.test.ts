/**
 * Runs in Chromium only (the `chromium` test project): the browser's own WebCrypto implements
 * X25519 and Ed25519, the WebCrypto backend uses it, and its private keys are non-extractable by
 * default (TESTPLAN T8).
 */
import { describe, expect, it } from 'vitest';
import type { KeyAlgorithm, PrivateKey } from './backend.js';
import { webCryptoBackend as crypto } from './webcrypto-backend.js';

const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;

/** The `CryptoKey` behind a WebCrypto handle, as the browser reports it. */
function cryptoKeyOf(key: PrivateKey<KeyAlgorithm>): { tag: string; extractable: unknown } {
  const handle = key.handle as { extractable?: unknown };
  return { tag: Object.prototype.toString.call(handle), extractable: handle.extractable };
}

describe('WebCrypto in Chromium', () => {
  it('runs in Chromium', () => {
    expect(userAgent).toMatch(/Chrome\//);
  });

  it.each(['X25519', 'Ed25519'] as const)('implements %s natively', async (name) => {
    const usages = name === 'X25519' ? (['deriveBits'] as const) : (['sign'] as const);
    const pair = await globalThis.crypto.subtle.generateKey({ name }, false, [...usages]);
    expect('privateKey' in pair && pair.privateKey.algorithm.name).toBe(name);
  });

  it('agrees with the noble backend through the browser X25519 and Ed25519', async () => {
    const { nobleBackend } = await import('./noble-backend.js');
    const ours = await crypto.generateX25519();
    const theirs = await nobleBackend.generateX25519();
    expect(await crypto.x25519(ours.privateKey, theirs.publicKey)).toEqual(
      await nobleBackend.x25519(theirs.privateKey, ours.publicKey),
    );
    const signer = await crypto.generateEd25519();
    const message = new TextEncoder().encode('knock');
    const signature = await crypto.signEd25519(signer.privateKey, message);
    expect(await nobleBackend.verifyEd25519(signer.publicKey, message, signature)).toBe(true);
  });

  it('creates non-extractable CryptoKeys by default (T8)', async () => {
    const seed = crypto.randomBytes(32);
    const keys = [
      (await crypto.generateX25519()).privateKey,
      (await crypto.generateEd25519()).privateKey,
      (await crypto.importX25519(seed)).privateKey,
      (await crypto.importEd25519(seed)).privateKey,
    ];
    for (const key of keys) {
      expect(key.extractable).toBe(false);
      expect(cryptoKeyOf(key)).toEqual({ tag: '[object CryptoKey]', extractable: false });
      await expect(crypto.exportPrivateKey(key)).rejects.toMatchObject({
        code: 'not_extractable',
      });
    }
  });

  it('keeps asked-for extractable keys exportable', async () => {
    const { privateKey } = await crypto.generateX25519({ extractable: true });
    expect(cryptoKeyOf(privateKey)).toEqual({ tag: '[object CryptoKey]', extractable: true });
    expect(await crypto.exportPrivateKey(privateKey)).toHaveLength(32);
  });
});
