import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url.js';
import { verifyBundle } from './bundle.js';
import { bundleFromJSON, bundleToJSON, decodeBundle, encodeBundle } from './bundle-codec.js';
import { CryptoError } from './errors.js';
import { createIdentity, publicIdentity, verifyPublicIdentity } from './identity.js';
import { initiateSession } from './pqxdh-initiator.js';
import { makeResponder } from './testing/parties.js';
import { backends } from './testing/vectors.js';

describe.each(backends)('identities and bundles on the %s backend', (_name, crypto) => {
  it('creates identities whose X25519 key is signed by the Ed25519 key', async () => {
    const identity = await createIdentity(crypto);
    const pub = publicIdentity(identity);
    await verifyPublicIdentity(crypto, pub);
    const other = publicIdentity(await createIdentity(crypto));
    for (const forged of [
      { ...pub, dhKey: other.dhKey },
      { ...pub, signingKey: other.signingKey },
      { ...pub, signature: other.signature },
    ]) {
      await expect(verifyPublicIdentity(crypto, forged)).rejects.toMatchObject({
        code: 'bad_signature',
      });
    }
  });

  it('verifies bundles and fails closed on any tampering', async () => {
    const { bundle } = await makeResponder(crypto);
    await verifyBundle(crypto, bundle);
    await verifyBundle(crypto, bundle, bundle.identity.signingKey);
    const bytes = encodeBundle(bundle);
    // Every byte except the version byte and the unsigned one-time prekey.
    const unsigned = bytes.length - 36;
    for (let i = 1; i < unsigned; i += 7) {
      const copy = new Uint8Array(bytes);
      copy[i]! ^= 0x10;
      const attempt = async () => verifyBundle(crypto, decodeBundle(copy));
      await expect(attempt(), `byte ${i}`).rejects.toBeInstanceOf(CryptoError);
    }
    const stranger = await createIdentity(crypto);
    await expect(verifyBundle(crypto, bundle, stranger.signingKey.publicKey)).rejects.toMatchObject(
      { code: 'identity_mismatch' },
    );
    await expect(
      initiateSession(crypto, {
        identity: stranger,
        bundle,
        expectedSigningKey: stranger.signingKey.publicKey,
      }),
    ).rejects.toMatchObject({ code: 'identity_mismatch' });
  });

  it('refuses a KEM prekey whose last-resort flag or id was changed', async () => {
    const { bundle } = await makeResponder(crypto);
    for (const kemPrekey of [
      { ...bundle.kemPrekey, lastResort: true },
      { ...bundle.kemPrekey, id: 101 },
    ]) {
      await expect(verifyBundle(crypto, { ...bundle, kemPrekey })).rejects.toMatchObject({
        code: 'bad_signature',
      });
    }
  });

  it('round-trips bundles through bytes and JSON, strictly', async () => {
    for (const oneTime of [true, false]) {
      const { bundle } = await makeResponder(crypto, { oneTime });
      const bytes = encodeBundle(bundle);
      expect(decodeBundle(bytes)).toEqual(bundle);
      const json = JSON.parse(JSON.stringify(bundleToJSON(bundle))) as unknown;
      expect(bundleFromJSON(json)).toEqual(bundle);
      expect(() => decodeBundle(bytes.subarray(0, bytes.length - 1))).toThrow(CryptoError);
      expect(() => decodeBundle(new Uint8Array([...bytes, 0]))).toThrow(CryptoError);
    }
    const { bundle } = await makeResponder(crypto);
    const json = bundleToJSON(bundle);
    const bad: unknown[] = [
      { ...json, version: 2 },
      { ...json, extra: 1 },
      { ...json, signedPrekey: { ...json.signedPrekey, id: -1 } },
      { ...json, signedPrekey: { ...json.signedPrekey, publicKey: json.identity.signature } },
      { ...json, kemPrekey: { ...json.kemPrekey, lastResort: 'no' } },
      { ...json, identity: { ...json.identity, dhKey: `${json.identity.dhKey}=` } },
      { ...json, identity: { ...json.identity, dhKey: encodeBase64url(new Uint8Array(31)) } },
      null,
      [],
      'bundle',
    ];
    for (const value of bad) expect(() => bundleFromJSON(value)).toThrow(CryptoError);
    const wrongVersion = encodeBundle(bundle);
    wrongVersion[0] = 2;
    expect(() => decodeBundle(wrongVersion)).toThrow(
      expect.objectContaining({ code: 'unsupported_version' }),
    );
  });
});
