import { describe, expect, it } from 'vitest';
import { backends, hex, loadVectors, toHex } from './testing/vectors.js';

interface Rfc7748 {
  scalarMult: { scalar: string; u: string; output: string }[];
  iterated: { iterations: number; output: string }[];
  diffieHellman: Record<
    'alicePrivate' | 'alicePublic' | 'bobPrivate' | 'bobPublic' | 'shared',
    string
  >;
}
interface Rfc8032 {
  tests: {
    name: string;
    secretKey: string;
    publicKey: string;
    message: string;
    signature: string;
  }[];
}
interface Rfc5869 {
  tests: {
    case: number;
    ikm: string;
    salt: string;
    info: string;
    length: number;
    prk: string;
    okm: string;
  }[];
}
interface Rfc4231 {
  tests: { case: number; key: string; data: string; mac: string; truncatedToBits?: number }[];
}

const x25519 = await loadVectors<Rfc7748>('rfc7748-x25519.json');
const ed25519 = await loadVectors<Rfc8032>('rfc8032-ed25519.json');
const hkdf = await loadVectors<Rfc5869>('rfc5869-hkdf-sha256.json');
const hmac = await loadVectors<Rfc4231>('rfc4231-hmac-sha256.json');

describe.each(backends)('RFC vectors on the %s backend', (_name, crypto) => {
  it('RFC 7748 §5.2: X25519 of given scalars and u-coordinates', async () => {
    expect(x25519.scalarMult).toHaveLength(2);
    for (const v of x25519.scalarMult) {
      const { privateKey } = await crypto.importX25519(hex(v.scalar));
      expect(toHex(await crypto.x25519(privateKey, hex(v.u)))).toBe(v.output);
    }
  });

  it('RFC 7748 §5.2: iterated X25519 (1 and 1000 iterations)', async () => {
    let k = hex('09'.padEnd(64, '0'));
    let u = k;
    let done = 0;
    for (const v of x25519.iterated) {
      for (; done < v.iterations; done++) {
        const { privateKey } = await crypto.importX25519(k);
        const next = await crypto.x25519(privateKey, u);
        u = k;
        k = next;
      }
      expect(toHex(k)).toBe(v.output);
    }
    expect(done).toBe(1000);
  });

  it('RFC 7748 §6.1: Alice and Bob agree on the published secret', async () => {
    const v = x25519.diffieHellman;
    const alice = await crypto.importX25519(hex(v.alicePrivate));
    const bob = await crypto.importX25519(hex(v.bobPrivate));
    expect(toHex(alice.publicKey)).toBe(v.alicePublic);
    expect(toHex(bob.publicKey)).toBe(v.bobPublic);
    expect(toHex(await crypto.x25519(alice.privateKey, bob.publicKey))).toBe(v.shared);
    expect(toHex(await crypto.x25519(bob.privateKey, alice.publicKey))).toBe(v.shared);
  });

  it('RFC 8032 §7.1: Ed25519 keys, signatures and verification', async () => {
    expect(ed25519.tests.length).toBeGreaterThanOrEqual(4);
    for (const v of ed25519.tests) {
      const { publicKey, privateKey } = await crypto.importEd25519(hex(v.secretKey));
      expect(toHex(publicKey), v.name).toBe(v.publicKey);
      const signature = await crypto.signEd25519(privateKey, hex(v.message));
      expect(toHex(signature), v.name).toBe(v.signature);
      expect(await crypto.verifyEd25519(publicKey, hex(v.message), signature)).toBe(true);
      const tampered = hex(v.signature);
      tampered[0]! ^= 1;
      expect(await crypto.verifyEd25519(publicKey, hex(v.message), tampered)).toBe(false);
    }
  });

  it('RFC 5869 A.1–A.3: HKDF-SHA-256 (and the extract step as HMAC)', async () => {
    expect(hkdf.tests).toHaveLength(3);
    for (const v of hkdf.tests) {
      const okm = await crypto.hkdfSha256(hex(v.ikm), hex(v.salt), hex(v.info), v.length);
      expect(toHex(okm), `case ${v.case}`).toBe(v.okm);
      // PRK = HMAC(salt, IKM); an absent salt is 32 zero bytes (RFC 5869 §2.2).
      const salt = v.salt === '' ? new Uint8Array(32) : hex(v.salt);
      expect(toHex(await crypto.hmacSha256(salt, hex(v.ikm)))).toBe(v.prk);
    }
  });

  it('RFC 4231 §4: HMAC-SHA-256 cases 1–7, case 5 truncated', async () => {
    expect(hmac.tests).toHaveLength(7);
    for (const v of hmac.tests) {
      const tag = await crypto.hmacSha256(hex(v.key), hex(v.data));
      const bytes = (v.truncatedToBits ?? 256) / 8;
      expect(toHex(tag.subarray(0, bytes)), `case ${v.case}`).toBe(v.mac);
      if (bytes === 32) {
        expect(await crypto.verifyHmacSha256(hex(v.key), hex(v.data), hex(v.mac))).toBe(true);
      }
    }
  });

  it('FIPS 180-4 examples: SHA-256 and SHA-512 of "abc"', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(toHex(await crypto.sha256(abc))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(await crypto.sha512(abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
});
