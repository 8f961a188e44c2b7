import { describe, expect, it } from 'vitest';
import { concatBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import { backends, hex, loadVectors, toHex } from './testing/vectors.js';

/** NIST ACVP ML-KEM-768 cases (FIPS 203); origins in the file's `source` and test-vectors/README.md. */
interface AcvpFile {
  keyGen: { tcId: number; d: string; z: string; ek: string; dk: string }[];
  encapDecap: { tcId: number; ek: string; dk: string; m: string; c: string; k: string }[];
  decapsulation: {
    dk: string;
    tests: {
      tcId: number;
      reason: 'no modification' | 'modify ciphertext';
      c: string;
      k: string;
    }[];
  };
}
const acvp = await loadVectors<AcvpFile>('acvp-ml-kem-768.json');

describe.each(backends)('ML-KEM-768 on the %s backend', (_name, crypto) => {
  it('matches NIST ACVP key generation (seed = d ‖ z)', async () => {
    expect(acvp.keyGen.length).toBeGreaterThanOrEqual(10);
    for (const t of acvp.keyGen) {
      const { publicKey, secretKey } = await crypto.generateMlKem768(
        concatBytes(hex(t.d), hex(t.z)),
      );
      expect(toHex(publicKey), `tcId ${t.tcId} ek`).toBe(t.ek);
      expect(toHex(secretKey), `tcId ${t.tcId} dk`).toBe(t.dk);
    }
  });

  it('matches NIST ACVP encapsulation and decapsulation', async () => {
    expect(acvp.encapDecap.length).toBeGreaterThanOrEqual(10);
    for (const t of acvp.encapDecap) {
      const { ciphertext, sharedSecret } = await crypto.encapsulateMlKem768(hex(t.ek), hex(t.m));
      expect(toHex(ciphertext), `tcId ${t.tcId}`).toBe(t.c);
      expect(toHex(sharedSecret), `tcId ${t.tcId}`).toBe(t.k);
      const decapsulated = await crypto.decapsulateMlKem768(hex(t.dk), hex(t.c));
      expect(toHex(decapsulated), `tcId ${t.tcId}`).toBe(t.k);
      // A tampered ciphertext yields the implicit-rejection secret, never the real one.
      const forged = hex(t.c);
      forged[0]! ^= 1;
      expect(toHex(await crypto.decapsulateMlKem768(hex(t.dk), forged))).not.toBe(t.k);
    }
  });

  it('matches NIST ACVP decapsulation, including implicit rejection of modified ciphertexts', async () => {
    const { dk, tests } = acvp.decapsulation;
    // Both kinds must stay in the file: valid ciphertexts and ones NIST modified.
    expect(tests.filter((t) => t.reason === 'no modification').length).toBeGreaterThan(0);
    expect(tests.filter((t) => t.reason === 'modify ciphertext').length).toBeGreaterThan(0);
    const secretKey = hex(dk);
    for (const t of tests) {
      const sharedSecret = await crypto.decapsulateMlKem768(secretKey, hex(t.c));
      expect(toHex(sharedSecret), `tcId ${t.tcId} (${t.reason})`).toBe(t.k);
    }
  });

  it('derives the decapsulation key layout from a seed and round-trips', async () => {
    const seed = crypto.randomBytes(64);
    const a = await crypto.generateMlKem768(seed);
    const b = await crypto.generateMlKem768(seed);
    expect(a.publicKey).toEqual(b.publicKey);
    expect(a.publicKey).toHaveLength(1184);
    expect(a.secretKey).toHaveLength(2400);
    // dk = dk_PKE ‖ ek ‖ H(ek) ‖ z (FIPS 203 Algorithm 16); z is the seed's second half.
    expect(a.secretKey.subarray(1152, 1152 + 1184)).toEqual(a.publicKey);
    expect(a.secretKey.subarray(2368)).toEqual(seed.subarray(32));
    const { ciphertext, sharedSecret } = await crypto.encapsulateMlKem768(a.publicKey);
    expect(await crypto.decapsulateMlKem768(a.secretKey, ciphertext)).toEqual(sharedSecret);
  });

  it('fails closed on malformed keys', async () => {
    const { publicKey, secretKey } = await crypto.generateMlKem768();
    const badKey = new Uint8Array(publicKey);
    badKey.fill(0xff, 0, 2); // a coefficient ≥ q fails the FIPS 203 modulus check
    await expect(crypto.encapsulateMlKem768(badKey)).rejects.toBeInstanceOf(CryptoError);
    const badSecret = new Uint8Array(secretKey);
    badSecret[2400 - 40]! ^= 1; // corrupt H(ek)
    const { ciphertext } = await crypto.encapsulateMlKem768(publicKey);
    await expect(crypto.decapsulateMlKem768(badSecret, ciphertext)).rejects.toMatchObject({
      code: 'invalid_private_key',
    });
    await expect(crypto.encapsulateMlKem768(publicKey.subarray(1))).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
