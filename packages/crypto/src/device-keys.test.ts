import { describe, expect, it } from 'vitest';
import { bundleFromJSON } from './bundle-codec.js';
import { deviceKeysFromJSON, deviceKeysToJSON } from './device-keys-codec.js';
import {
  acceptOptionsFor,
  addOneTimePrekeys,
  createDeviceKeys,
  devicePublicKeys,
  rotateSignedPrekeys,
  withoutUsedPrekeys,
} from './device-keys.js';
import { CryptoError } from './errors.js';
import { createIdentity } from './identity.js';
import { decodeInitialMessage } from './initial-message.js';
import { initiateSession } from './pqxdh-initiator.js';
import { acceptInitialMessage } from './pqxdh-responder.js';
import { encrypt } from './session.js';
import { decodeText, text } from './testing/parties.js';
import { backends } from './testing/vectors.js';

describe.each(backends)('device keys on the %s backend', (_name, crypto) => {
  it('rotates signed prekeys and still answers a bundle from before the rotation', async () => {
    const device = await createDeviceKeys(
      crypto,
      { oneTime: 0, kemOneTime: 2 },
      { extractable: true },
    );
    const before = devicePublicKeys(device);
    const bundle = bundleFromJSON({
      version: 1,
      identity: before.identity,
      signedPrekey: before.signedPrekey,
      kemPrekey: before.kemLastResort,
      oneTimePrekey: null,
    });
    const initiator = await createIdentity(crypto);
    const session = await initiateSession(crypto, { identity: initiator, bundle });
    const initial = decodeInitialMessage((await encrypt(crypto, session, text('late'))).message);

    const once = await rotateSignedPrekeys(crypto, device, { extractable: true });
    expect([once.signedPrekey.id, once.kemLastResort.id]).toEqual([2, 4]);
    expect(once.kemLastResort.lastResort).toBe(true);
    // The replaced keys survive the JSON form and still open the message made before.
    const restored = await deviceKeysFromJSON(
      crypto,
      JSON.parse(JSON.stringify(await deviceKeysToJSON(crypto, once))) as unknown,
    );
    const accepted = await acceptInitialMessage(
      crypto,
      acceptOptionsFor(restored, initial),
      initial,
    );
    expect(decodeText(accepted.plaintext)).toBe('late');
    // One rotation later they are gone.
    const twice = await rotateSignedPrekeys(crypto, once, { extractable: true });
    expect(twice.previous?.signedPrekey.id).toBe(2);
    expect(() => acceptOptionsFor(twice, initial)).toThrow(CryptoError);
    expect(
      (await addOneTimePrekeys(crypto, twice, { oneTime: 0, kemOneTime: 1 })).kemOneTimePrekeys.at(
        -1,
      )?.id,
    ).toBe(6);
  });

  it('publishes, survives its JSON form, and answers an initial message', async () => {
    const device = await createDeviceKeys(
      crypto,
      { oneTime: 3, kemOneTime: 2 },
      { extractable: true },
    );
    const published = devicePublicKeys(device);
    expect(published.oneTimePrekeys.map((k) => k.id)).toEqual([1, 2, 3]);
    expect(published.kemOneTimePrekeys.map((k) => [k.id, k.lastResort])).toEqual([
      [2, false],
      [3, false],
    ]);
    expect([published.signedPrekey.id, published.kemLastResort.id]).toEqual([1, 1]);

    // The bundle exactly as the key directory hands it out.
    const bundle = bundleFromJSON({
      version: 1,
      identity: published.identity,
      signedPrekey: published.signedPrekey,
      kemPrekey: published.kemOneTimePrekeys[1],
      oneTimePrekey: published.oneTimePrekeys[2],
    });
    const initiator = await createIdentity(crypto);
    const session = await initiateSession(crypto, { identity: initiator, bundle });
    const { message } = await encrypt(crypto, session, text('hello device'));

    const stored = JSON.parse(JSON.stringify(await deviceKeysToJSON(crypto, device))) as unknown;
    const restored = await deviceKeysFromJSON(crypto, stored);
    const initial = decodeInitialMessage(message);
    const accepted = await acceptInitialMessage(
      crypto,
      acceptOptionsFor(restored, initial),
      initial,
    );
    expect(decodeText(accepted.plaintext)).toBe('hello device');
    const left = withoutUsedPrekeys(restored, accepted.usedPrekeys);
    expect(left.oneTimePrekeys.map((k) => k.id)).toEqual([1, 2]);
    expect(left.kemOneTimePrekeys.map((k) => k.id)).toEqual([2]);
    // Used prekeys are gone: the same message cannot be answered again.
    expect(() => acceptOptionsFor(left, initial)).toThrow(CryptoError);
  });

  it('numbers new one-time prekeys after the old ones', async () => {
    const device = await createDeviceKeys(crypto, { oneTime: 2, kemOneTime: 1 });
    const more = await addOneTimePrekeys(crypto, device, { oneTime: 2, kemOneTime: 2 });
    expect(more.oneTimePrekeys.map((k) => k.id)).toEqual([1, 2, 3, 4]);
    expect(more.kemOneTimePrekeys.map((k) => k.id)).toEqual([2, 3, 4]);
    const fresh = devicePublicKeys(more, { oneTime: new Set([3, 4]), kemOneTime: new Set([3, 4]) });
    expect(fresh.oneTimePrekeys.map((k) => k.id)).toEqual([3, 4]);
  });

  it('refuses to export non-extractable keys and to import mismatched ones', async () => {
    const sealed = await createDeviceKeys(crypto, { oneTime: 1, kemOneTime: 0 });
    await expect(deviceKeysToJSON(crypto, sealed)).rejects.toMatchObject({
      code: 'not_extractable',
    });

    const device = await createDeviceKeys(
      crypto,
      { oneTime: 1, kemOneTime: 0 },
      { extractable: true },
    );
    const json = await deviceKeysToJSON(crypto, device);
    const other = await deviceKeysToJSON(
      crypto,
      await createDeviceKeys(crypto, { oneTime: 1, kemOneTime: 0 }, { extractable: true }),
    );
    const swapped = {
      ...json,
      signedPrekey: {
        ...json.signedPrekey,
        keyPair: {
          ...json.signedPrekey.keyPair,
          privateKey: other.signedPrekey.keyPair.privateKey,
        },
      },
    };
    await expect(deviceKeysFromJSON(crypto, swapped)).rejects.toMatchObject({ code: 'malformed' });
    const forged = { ...json, identity: { ...json.identity, signature: other.identity.signature } };
    await expect(deviceKeysFromJSON(crypto, forged)).rejects.toMatchObject({
      code: 'bad_signature',
    });
    await expect(deviceKeysFromJSON(crypto, { ...json, version: 2 })).rejects.toMatchObject({
      code: 'unsupported_version',
    });
  });
});
