import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors.js';
import {
  backends,
  hex,
  loadVectors,
  toHex,
  type WycheproofFile,
  type WycheproofResult,
} from './testing/vectors.js';

interface Case {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
}
type Group<T> = { tests: (Case & T)[] };
type XdhGroup = Group<{ public: string; private: string; shared: string }>;
type EddsaGroup = Group<{ msg: string; sig: string }> & { publicKey: { pk: string } };
type HkdfGroup = Group<{ ikm: string; salt: string; info: string; size: number; okm: string }>;
type MacGroup = Group<{ key: string; msg: string; tag: string }> & { tagSize: number };
type AeadGroup = Group<{
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
}> & {
  ivSize: number;
  keySize: number;
  tagSize: number;
};

const x25519 = await loadVectors<WycheproofFile<XdhGroup>>('wycheproof-x25519.json');
const ed25519 = await loadVectors<WycheproofFile<EddsaGroup>>('wycheproof-ed25519.json');
const hkdf = await loadVectors<WycheproofFile<HkdfGroup>>('wycheproof-hkdf-sha256.json');
const hmac = await loadVectors<WycheproofFile<MacGroup>>('wycheproof-hmac-sha256.json');
const aesGcm = await loadVectors<WycheproofFile<AeadGroup>>('wycheproof-aes-gcm.json');

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof CryptoError ? error.code : `not a CryptoError: ${String(error)}`;
  }
  return 'resolved';
}

const ZERO = '00'.repeat(32);

describe.each(backends)('Wycheproof on the %s backend', (_name, crypto) => {
  it('x25519_test.json', async () => {
    let ran = 0;
    for (const group of x25519.testGroups) {
      for (const t of group.tests) {
        const label = `tcId ${t.tcId} ${t.comment}`;
        const { privateKey } = await crypto.importX25519(hex(t.private));
        const outcome = crypto.x25519(privateKey, hex(t.public));
        // "acceptable" cases are low-order, twist and non-canonical public keys. Knock accepts
        // twist and non-canonical points (RFC 7748 §5 defines their value) and must then compute
        // exactly the expected secret; it refuses every case whose secret is all-zero (§6.1).
        if (t.result === 'invalid' || t.shared === ZERO) {
          expect(await rejection(outcome), label).toBe('invalid_public_key');
        } else {
          expect(toHex(await outcome), label).toBe(t.shared);
        }
        ran++;
      }
    }
    expect(ran).toBe(75);
  });

  it('ed25519_test.json: strict verification', async () => {
    let valid = 0;
    let invalid = 0;
    for (const group of ed25519.testGroups) {
      const pk = hex(group.publicKey.pk);
      for (const t of group.tests) {
        // No Ed25519 case is "acceptable"; anything not "valid" must be refused.
        const ok = await crypto.verifyEd25519(pk, hex(t.msg), hex(t.sig));
        expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid');
        if (t.result === 'valid') valid++;
        else invalid++;
      }
    }
    expect({ valid, invalid }).toEqual({ valid: 33, invalid: 63 });
  });

  it('hkdf_sha256_test.json', async () => {
    let ran = 0;
    for (const t of hkdf.testGroups.flatMap((g) => g.tests)) {
      const derive = crypto.hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size);
      if (t.result === 'valid') expect(toHex(await derive), `tcId ${t.tcId}`).toBe(t.okm);
      else expect(await rejection(derive), `tcId ${t.tcId}`).toBe('invalid_input');
      ran++;
    }
    expect(ran).toBe(27);
  });

  it('hmac_sha256_test.json (full and 128-bit truncated tags)', async () => {
    let ran = 0;
    for (const group of hmac.testGroups) {
      for (const t of group.tests) {
        const label = `tcId ${t.tcId} ${t.comment}`;
        const tag = await crypto.hmacSha256(hex(t.key), hex(t.msg));
        const matches = toHex(tag.subarray(0, group.tagSize / 8)) === t.tag;
        expect(matches, label).toBe(t.result === 'valid');
        if (group.tagSize === 256) {
          const verified = await crypto.verifyHmacSha256(hex(t.key), hex(t.msg), hex(t.tag));
          expect(verified, label).toBe(t.result === 'valid');
        }
        ran++;
      }
    }
    expect(ran).toBe(126);
  });

  it('aes_gcm_test.json: 256-bit keys, 96-bit IVs, 128-bit tags only', async () => {
    let ran = 0;
    let skipped = 0;
    for (const group of aesGcm.testGroups) {
      // Knock only uses AES-256-GCM with 12-byte nonces and full tags; other groups are out of scope.
      if (group.keySize !== 256 || group.ivSize !== 96 || group.tagSize !== 128) {
        skipped += group.tests.length;
        continue;
      }
      for (const t of group.tests) {
        const label = `tcId ${t.tcId} ${t.comment}`;
        const [key, iv, aad] = [hex(t.key), hex(t.iv), hex(t.aad)];
        const sealed = hex(t.ct + t.tag);
        if (t.result === 'valid') {
          expect(toHex(await crypto.aes256GcmEncrypt(key, iv, hex(t.msg), aad)), label).toBe(
            t.ct + t.tag,
          );
          expect(toHex(await crypto.aes256GcmDecrypt(key, iv, sealed, aad)), label).toBe(t.msg);
        } else {
          expect(await rejection(crypto.aes256GcmDecrypt(key, iv, sealed, aad)), label).toBe(
            'decrypt_failed',
          );
        }
        ran++;
      }
    }
    expect({ ran, skipped }).toEqual({ ran: 38, skipped: 2 });
  });
});
