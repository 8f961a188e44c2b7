import { describe, expect, it } from 'vitest';
import { nobleBackend } from './noble-backend.js';
import { webCryptoBackend } from './webcrypto-backend.js';

const pairs = [
  ['webcrypto', webCryptoBackend, 'noble', nobleBackend],
  ['noble', nobleBackend, 'webcrypto', webCryptoBackend],
] as const;

describe.each(pairs)('keys from %s work with %s', (_a, from, _b, to) => {
  it('agrees on X25519 secrets both ways', async () => {
    for (let i = 0; i < 5; i++) {
      const mine = await from.generateX25519();
      const theirs = await to.generateX25519();
      const one = await from.x25519(mine.privateKey, theirs.publicKey);
      const two = await to.x25519(theirs.privateKey, mine.publicKey);
      expect(one).toEqual(two);
      expect(one).toHaveLength(32);
    }
  });

  it('verifies Ed25519 signatures made by the other backend', async () => {
    const message = new TextEncoder().encode('cross-backend');
    for (let i = 0; i < 5; i++) {
      const { publicKey, privateKey } = await from.generateEd25519();
      const signature = await from.signEd25519(privateKey, message);
      expect(await to.verifyEd25519(publicKey, message, signature)).toBe(true);
      expect(await to.verifyEd25519(publicKey, message.subarray(1), signature)).toBe(false);
    }
  });

  it('derives the same keys and ciphertexts from the same bytes', async () => {
    const seed = from.randomBytes(32);
    expect((await from.importEd25519(seed)).publicKey).toEqual(
      (await to.importEd25519(seed)).publicKey,
    );
    expect((await from.importX25519(seed)).publicKey).toEqual(
      (await to.importX25519(seed)).publicKey,
    );
    const key = from.randomBytes(32);
    const nonce = from.randomBytes(12);
    const sealed = await from.aes256GcmEncrypt(key, nonce, seed, nonce);
    expect(await to.aes256GcmDecrypt(key, nonce, sealed, nonce)).toEqual(seed);
    expect(await to.hkdfSha256(seed, nonce, key, 100)).toEqual(
      await from.hkdfSha256(seed, nonce, key, 100),
    );
  });

  it('refuses a private key handle from the other backend', async () => {
    const { privateKey } = await from.generateX25519();
    const peer = await to.generateX25519();
    await expect(to.x25519(privateKey, peer.publicKey)).rejects.toMatchObject({
      code: 'invalid_private_key',
    });
  });
});
