import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors.js';
import { decodeInitialMessage, KEY_AGREEMENT_LENGTH } from './initial-message.js';
import { acceptInitialMessage } from './pqxdh-responder.js';
import { RATCHET_HEADER_LENGTH } from './ratchet-message.js';
import { decrypt, encrypt } from './session.js';
import { acceptOptions, establish, snapshot, text } from './testing/parties.js';
import { backends } from './testing/vectors.js';

function flipped(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** Every bit of every `step`-th byte of `[from, to)`. */
function bits(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let byte = from; byte < to; byte += step) for (let b = 0; b < 8; b++) out.push(byte * 8 + b);
  return out;
}

/** One bit of each byte of `[from, to)`, a different bit position from byte to byte. */
function oneBitPerByte(from: number, to: number): number[] {
  const out: number[] = [];
  for (let byte = from; byte < to; byte++) out.push(byte * 8 + (byte % 8));
  return out;
}

describe.each(backends)('tampering on the %s backend', (_name, crypto) => {
  it('rejects any flipped bit of a ratchet message with no state change', async () => {
    const { alice, bob: b0 } = await establish(crypto);
    const { message } = await encrypt(crypto, b0, text('reply'));
    const before = snapshot(alice);
    // Every bit of version, type, PN and N; one bit of each byte of the DH key (each such flip
    // costs a DH ratchet step); every bit of every 9th byte of the ciphertext.
    const positions = [
      ...bits(0, 2),
      ...oneBitPerByte(2, 34),
      ...bits(31 + 2, 32 + 2),
      ...bits(34, RATCHET_HEADER_LENGTH),
      ...bits(RATCHET_HEADER_LENGTH, message.length, 9),
    ];
    for (const bit of positions) {
      await expect(
        decrypt(crypto, alice, flipped(message, bit)),
        `bit ${bit}`,
      ).rejects.toBeInstanceOf(CryptoError);
    }
    for (const cut of [0, 1, 2, 41, 42, message.length - 1]) {
      await expect(decrypt(crypto, alice, message.subarray(0, cut))).rejects.toBeInstanceOf(
        CryptoError,
      );
    }
    expect(snapshot(alice)).toBe(before);
    expect((await decrypt(crypto, alice, message)).plaintext).toEqual(text('reply'));
  });

  it('rejects any flipped bit of an initial message before the session exists', async () => {
    const { first, responder } = await establish(crypto);
    const options = acceptOptions(responder);
    // Every bit of the envelope and of the top byte of each key, one bit of every byte of the
    // identity, base key, ids and inner header, and one bit of every 41st byte of the KEM
    // ciphertext and body. (Each attempt runs the whole PQXDH, so every bit would take too long.)
    const positions = [
      ...bits(0, 2),
      ...[2 + 31, 2 + 63, 2 + 128 + 31].flatMap((byte) => bits(byte, byte + 1)),
      ...oneBitPerByte(2, 2 + 128 + 32 + 13),
      ...oneBitPerByte(2 + 128 + 32 + 13, first.length).filter((_, i) => i % 41 === 0),
      ...oneBitPerByte(KEY_AGREEMENT_LENGTH, KEY_AGREEMENT_LENGTH + RATCHET_HEADER_LENGTH),
    ];
    for (const bit of positions) {
      const attempt = async () =>
        acceptInitialMessage(crypto, options, decodeInitialMessage(flipped(first, bit)));
      await expect(attempt(), `bit ${bit}`).rejects.toBeInstanceOf(CryptoError);
    }
    const ok = await acceptInitialMessage(crypto, options, decodeInitialMessage(first));
    expect(ok.plaintext).toEqual(text('hello'));
  }, 60_000);

  it('rejects a tampered later initial message with no state change', async () => {
    const { alice: a0, bob } = await establish(crypto);
    // Alice has not heard back, so her next message is an initial message too.
    const { message } = await encrypt(crypto, a0, text('second'));
    const before = snapshot(bob);
    for (const bit of bits(0, message.length, 11)) {
      await expect(decrypt(crypto, bob, flipped(message, bit))).rejects.toBeInstanceOf(CryptoError);
    }
    expect(snapshot(bob)).toBe(before);
    expect((await decrypt(crypto, bob, message)).plaintext).toEqual(text('second'));
  });

  it('needs the same pre-shared key on both sides', async () => {
    const psk = crypto.randomBytes(32);
    const { first, responder, bob } = await establish(crypto, { psk });
    expect(bob.receiveCount).toBe(1);
    const wrong = new Uint8Array(psk);
    wrong[31]! ^= 1;
    const parsed = decodeInitialMessage(first);
    for (const extra of [{ psk: wrong }, {}]) {
      await expect(
        acceptInitialMessage(crypto, acceptOptions(responder, extra), parsed),
      ).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    // A PSK on the responder side only fails too.
    const plain = await establish(crypto);
    await expect(
      acceptInitialMessage(
        crypto,
        acceptOptions(plain.responder, { psk }),
        decodeInitialMessage(plain.first),
      ),
    ).rejects.toMatchObject({ code: 'decrypt_failed' });
    for (const bad of [new Uint8Array(32), new Uint8Array(31)]) {
      await expect(establish(crypto, { psk: bad })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
  });

  it('refuses prekeys other than those the message names', async () => {
    const { first, responder } = await establish(crypto);
    const parsed = decodeInitialMessage(first);
    const { identity, signedPrekey, kemPrekey } = responder;
    const withoutOneTime = { identity, signedPrekey, kemPrekey };
    await expect(acceptInitialMessage(crypto, withoutOneTime, parsed)).rejects.toMatchObject({
      code: 'unknown_prekey',
    });
    const other = { ...responder.signedPrekey, id: 2 };
    await expect(
      acceptInitialMessage(crypto, { ...acceptOptions(responder), signedPrekey: other }, parsed),
    ).rejects.toMatchObject({ code: 'unknown_prekey' });
  });
});
