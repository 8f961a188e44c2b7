import { describe, expect, it } from 'vitest';
import type { PrivateKey } from './backend.js';
import { CryptoError } from './errors.js';
import { backends, hex, toHex } from './testing/vectors.js';

/** The eight small-order points' canonical encodings ("Taming the many EdDSAs", table 1). */
const SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];

describe.each(backends)('keys and failure modes on the %s backend', (_name, crypto) => {
  it('keeps private keys non-extractable unless asked', async () => {
    const dh = await crypto.generateX25519();
    const sig = await crypto.generateEd25519();
    expect(dh.privateKey.extractable).toBe(false);
    await expect(crypto.exportPrivateKey(dh.privateKey)).rejects.toMatchObject({
      code: 'not_extractable',
    });
    await expect(crypto.exportPrivateKey(sig.privateKey)).rejects.toMatchObject({
      code: 'not_extractable',
    });
  });

  it('exports extractable keys as raw bytes that re-import to the same key', async () => {
    const dh = await crypto.generateX25519({ extractable: true });
    const raw = await crypto.exportPrivateKey(dh.privateKey);
    expect(raw).toHaveLength(32);
    expect((await crypto.importX25519(raw)).publicKey).toEqual(dh.publicKey);
    const sig = await crypto.generateEd25519({ extractable: true });
    const seed = await crypto.exportPrivateKey(sig.privateKey);
    const again = await crypto.importEd25519(seed);
    expect(again.publicKey).toEqual(sig.publicKey);
    const message = new TextEncoder().encode('knock');
    const signature = await crypto.signEd25519(again.privateKey, message);
    expect(await crypto.verifyEd25519(sig.publicKey, message, signature)).toBe(true);
  });

  it('keeps handles structured-clonable', async () => {
    const { privateKey, publicKey } = await crypto.generateX25519();
    const copy = structuredClone(privateKey);
    const peer = await crypto.generateX25519();
    expect(await crypto.x25519(copy, peer.publicKey)).toEqual(
      await crypto.x25519(peer.privateKey, publicKey),
    );
  });

  it('refuses handles of the wrong algorithm or shape', async () => {
    const sig = await crypto.generateEd25519();
    const dh = await crypto.generateX25519();
    const wrong = sig.privateKey as unknown as PrivateKey<'X25519'>;
    await expect(crypto.x25519(wrong, dh.publicKey)).rejects.toMatchObject({
      code: 'invalid_private_key',
    });
    const forged = { ...dh.privateKey, handle: new Uint8Array(5) } as PrivateKey<'X25519'>;
    await expect(crypto.x25519(forged, dh.publicKey)).rejects.toMatchObject({
      code: 'invalid_private_key',
    });
  });

  it('rejects all-zero, low-order and malformed X25519 public keys', async () => {
    const { privateKey } = await crypto.generateX25519();
    for (const bad of [new Uint8Array(32), hex(SMALL_ORDER[0]!), new Uint8Array(31)]) {
      await expect(crypto.x25519(privateKey, bad)).rejects.toMatchObject({
        code: 'invalid_public_key',
      });
    }
  });

  it('refuses small-order Ed25519 keys and commitments (the universal forgery)', async () => {
    const message = new TextEncoder().encode('any message at all');
    // R = identity, S = 0 and A of small order satisfy the cofactorless equation for every
    // message: a lenient verifier accepts it.
    for (const a of SMALL_ORDER) {
      const signature = hex(SMALL_ORDER[0]! + '00'.repeat(32));
      expect(await crypto.verifyEd25519(hex(a), message, signature), a).toBe(false);
    }
    const { publicKey, privateKey } = await crypto.generateEd25519();
    const good = await crypto.signEd25519(privateKey, message);
    for (const r of SMALL_ORDER) {
      const signature = new Uint8Array(good);
      signature.set(hex(r), 0);
      expect(await crypto.verifyEd25519(publicKey, message, signature), r).toBe(false);
    }
    expect(await crypto.verifyEd25519(publicKey, message, good)).toBe(true);
  });

  it('fails AES-GCM decryption closed with a typed error', async () => {
    const key = crypto.randomBytes(32);
    const nonce = crypto.randomBytes(12);
    const aad = new TextEncoder().encode('header');
    const sealed = await crypto.aes256GcmEncrypt(key, nonce, new Uint8Array([1, 2, 3]), aad);
    expect(sealed).toHaveLength(3 + 16);
    const tampered = new Uint8Array(sealed);
    tampered[0]! ^= 1;
    for (const [k, n, c, a] of [
      [key, nonce, tampered, aad],
      [key, nonce, sealed, new Uint8Array()],
      [crypto.randomBytes(32), nonce, sealed, aad],
    ] as const) {
      await expect(crypto.aes256GcmDecrypt(k, n, c, a)).rejects.toMatchObject({
        code: 'decrypt_failed',
      });
    }
    await expect(
      crypto.aes256GcmEncrypt(key.subarray(16), nonce, sealed, aad),
    ).rejects.toBeInstanceOf(CryptoError);
  });

  it('refuses empty HMAC keys and HKDF inputs identically', async () => {
    const empty = new Uint8Array();
    await expect(crypto.hmacSha256(empty, empty)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(crypto.hkdfSha256(empty, empty, empty, 32)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(crypto.hkdfSha256(new Uint8Array(1), empty, empty, 0)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(await crypto.verifyHmacSha256(new Uint8Array(1), empty, new Uint8Array(16))).toBe(false);
  });

  it('returns fresh random bytes', () => {
    expect(toHex(crypto.randomBytes(32))).not.toBe(toHex(crypto.randomBytes(32)));
    expect(crypto.randomBytes(70_000)).toHaveLength(70_000);
  });
});
