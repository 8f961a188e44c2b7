import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors.js';
import { decrypt, encrypt } from './session.js';
import { sessionFromJSON, sessionToJSON } from './session-codec.js';
import { establish, snapshot, text } from './testing/parties.js';
import { backends } from './testing/vectors.js';

describe.each(backends)('session JSON on the %s backend', (_name, crypto) => {
  it('round-trips extractable sessions through JSON text', async () => {
    const { alice, bob } = await establish(crypto, { extractable: true });
    const m1 = await encrypt(crypto, alice, text('one'));
    const m2 = await encrypt(crypto, m1.state, text('two'));
    const bobAfter = (await decrypt(crypto, bob, m2.message)).state;
    for (const state of [m2.state, bobAfter]) {
      const json = JSON.stringify(await sessionToJSON(crypto, state));
      const restored = await sessionFromJSON(crypto, JSON.parse(json));
      expect(snapshot(restored)).toBe(snapshot(state));
      expect(JSON.stringify(await sessionToJSON(crypto, restored))).toBe(json);
    }
    const restoredBob = await sessionFromJSON(
      crypto,
      JSON.parse(JSON.stringify(await sessionToJSON(crypto, bobAfter))),
    );
    expect((await decrypt(crypto, restoredBob, m1.message)).plaintext).toEqual(text('one'));
  });

  it('refuses to export non-extractable sessions', async () => {
    const { alice } = await establish(crypto);
    await expect(sessionToJSON(crypto, alice)).rejects.toMatchObject({ code: 'not_extractable' });
  });

  it('reads JSON strictly', async () => {
    const { alice } = await establish(crypto, { extractable: true });
    const json = await sessionToJSON(crypto, alice);
    const other = await sessionToJSON(
      crypto,
      (await establish(crypto, { extractable: true })).alice,
    );
    const bad: unknown[] = [
      { ...json, version: 2 },
      { ...json, sendCount: 1.5 },
      { ...json, rootKey: json.rootKey.slice(1) },
      { ...json, skippedKeys: {} },
      { ...json, skippedKeys: [{ ratchetKey: json.rootKey, n: -1, messageKey: json.rootKey }] },
      {
        ...json,
        sendingRatchetKey: {
          ...json.sendingRatchetKey,
          privateKey: other.sendingRatchetKey.privateKey,
        },
      },
      { ...json, pendingKeyAgreement: json.rootKey },
      { ...json, unknown: true },
    ];
    for (const value of bad)
      await expect(sessionFromJSON(crypto, value)).rejects.toBeInstanceOf(CryptoError);
  });
});
