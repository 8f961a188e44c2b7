import { describe, expect, it } from 'vitest';
import type { PrekeyBundle } from './bundle.js';
import { verifyBundle } from './bundle.js';
import { concatBytes } from './bytes.js';
import { encodePublicIdentity } from './identity-codec.js';
import { decodeInitialMessage } from './initial-message.js';
import { initiateSession } from './pqxdh-initiator.js';
import { requireX25519PublicKey } from './public-keys.js';
import { decrypt, encrypt } from './session.js';
import { identityPayload, signedPrekeyPayload } from './signature-payloads.js';
import { establish, snapshot, text } from './testing/parties.js';
import { backends } from './testing/vectors.js';

const P = 2n ** 255n - 19n;

function littleEndian(value: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
}

/** Low-order points (cr.yp.to/ecdh.html), canonical and not, and one more non-canonical key. */
const LOW_ORDER = [
  0n,
  1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
  P - 1n,
  P,
  P + 1n,
].map(littleEndian);
const NON_CANONICAL = [littleEndian(P + 9n), littleEndian((1n << 255n) + 9n)];
const BAD_KEYS = [...LOW_ORDER, ...NON_CANONICAL];

describe.each(backends)('all-zero and small-order keys on the %s backend (T6)', (_name, crypto) => {
  it('knows the same low-order points as the backend', async () => {
    const { privateKey } = await crypto.generateX25519();
    for (const key of LOW_ORDER.slice(0, 5)) {
      expect(() => requireX25519PublicKey(key)).toThrow();
      await expect(crypto.x25519(privateKey, key)).rejects.toMatchObject({
        code: 'invalid_public_key',
      });
    }
    for (const key of NON_CANONICAL) expect(() => requireX25519PublicKey(key)).toThrow();
    expect(() => requireX25519PublicKey(littleEndian(9n))).not.toThrow();
  });

  it('refuses bundles with such keys even when properly signed', async () => {
    const { responder, aliceIdentity } = await establish(crypto);
    const { bundle, identity } = responder;
    const sign = (payload: Uint8Array) =>
      crypto.signEd25519(identity.signingKey.privateKey, payload);
    for (const bad of BAD_KEYS) {
      const variants: PrekeyBundle[] = [
        {
          ...bundle,
          signedPrekey: {
            ...bundle.signedPrekey,
            publicKey: bad,
            signature: await sign(signedPrekeyPayload(bundle.signedPrekey.id, bad)),
          },
        },
        { ...bundle, oneTimePrekey: { id: 7, publicKey: bad } },
        {
          ...bundle,
          identity: { ...bundle.identity, dhKey: bad, signature: await sign(identityPayload(bad)) },
        },
      ];
      for (const variant of variants) {
        await expect(verifyBundle(crypto, variant)).rejects.toMatchObject({
          code: 'invalid_public_key',
        });
        await expect(
          initiateSession(crypto, { identity: aliceIdentity, bundle: variant }),
        ).rejects.toMatchObject({ code: 'invalid_public_key' });
      }
    }
  });

  it('refuses initial messages with such keys', async () => {
    const { first, aliceIdentity } = await establish(crypto);
    for (const bad of BAD_KEYS) {
      const baseKey = new Uint8Array(first);
      baseKey.set(bad, 2 + 128);
      expect(() => decodeInitialMessage(baseKey)).toThrow(
        expect.objectContaining({ code: 'invalid_public_key' }),
      );
      const signature = await crypto.signEd25519(
        aliceIdentity.signingKey.privateKey,
        identityPayload(bad),
      );
      const identity = encodePublicIdentity({
        signingKey: aliceIdentity.signingKey.publicKey,
        dhKey: bad,
        signature,
      });
      const forged = concatBytes(first.subarray(0, 2), identity, first.subarray(2 + 128));
      expect(() => decodeInitialMessage(forged)).toThrow(
        expect.objectContaining({ code: 'invalid_public_key' }),
      );
    }
  });

  it('refuses ratchet headers with such keys, with no state change', async () => {
    const { alice, bob } = await establish(crypto);
    const reply = await encrypt(crypto, bob, text('reply'));
    const before = snapshot(alice);
    for (const bad of BAD_KEYS) {
      const forged = new Uint8Array(reply.message);
      forged.set(bad, 2);
      await expect(decrypt(crypto, alice, forged)).rejects.toMatchObject({
        code: 'invalid_public_key',
      });
    }
    expect(snapshot(alice)).toBe(before);
  });
});
