import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';
import { decodeInitialMessage } from './initial-message.js';
import { initiateSession } from './pqxdh-initiator.js';
import { acceptInitialMessage } from './pqxdh-responder.js';
import { decrypt, encrypt } from './session.js';
import { MAX_SKIPPED_KEYS, type SessionState } from './session-state.js';
import {
  acceptOptions,
  decodeText,
  establish,
  makeResponder,
  snapshot,
  text,
} from './testing/parties.js';
import { createIdentity } from './identity.js';
import { backends } from './testing/vectors.js';

async function send(crypto: CryptoBackend, state: SessionState, plaintext: string) {
  return encrypt(crypto, state, text(plaintext));
}

describe.each(backends)('sessions on the %s backend', (_name, crypto) => {
  it('runs PQXDH and a conversation both ways', async () => {
    const { alice: a0, bob: b0 } = await establish(crypto);
    let alice = a0;
    let bob = b0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < round + 1; i++) {
        const sent = await send(crypto, alice, `a${round}.${i}`);
        alice = sent.state;
        const got = await decrypt(crypto, bob, sent.message);
        bob = got.state;
        expect(decodeText(got.plaintext)).toBe(`a${round}.${i}`);
        expect(got.outOfOrder).toBe(false);
      }
      const reply = await send(crypto, bob, `b${round}`);
      bob = reply.state;
      const got = await decrypt(crypto, alice, reply.message);
      alice = got.state;
      expect(decodeText(got.plaintext)).toBe(`b${round}`);
    }
    expect(alice.pendingKeyAgreement).toBeNull();
  });

  it('sends initial messages until the first reply, and the responder accepts any of them', async () => {
    const responder = await makeResponder(crypto);
    const identity = await createIdentity(crypto);
    let alice = await initiateSession(crypto, { identity, bundle: responder.bundle });
    const sent: Uint8Array[] = [];
    for (const word of ['one', 'two', 'three']) {
      const out = await send(crypto, alice, word);
      alice = out.state;
      sent.push(out.message);
      expect(out.message[1]).toBe(1);
    }
    // The third arrives first and starts the session; the others follow late.
    const accepted = await acceptInitialMessage(
      crypto,
      acceptOptions(responder),
      decodeInitialMessage(sent[2]!),
    );
    expect(decodeText(accepted.plaintext)).toBe('three');
    expect(accepted.newlySkipped).toBe(2);
    expect(accepted.usedPrekeys).toEqual({
      oneTimePrekeyId: 1000,
      kemPrekeyId: 100,
      kemPrekeyIsLastResort: false,
    });
    let bob = accepted.state;
    for (const [index, word] of [
      [0, 'one'],
      [1, 'two'],
    ] as const) {
      const got = await decrypt(crypto, bob, sent[index]!);
      bob = got.state;
      expect(decodeText(got.plaintext)).toBe(word);
      expect(got.outOfOrder).toBe(true);
    }
    const reply = await send(crypto, bob, 'hi');
    const got = await decrypt(crypto, alice, reply.message);
    alice = got.state;
    expect(alice.pendingKeyAgreement).toBeNull();
    const next = await send(crypto, alice, 'plain ratchet now');
    expect(next.message[1]).toBe(2);
  });

  it('works without a one-time prekey', async () => {
    const { alice, bob } = await establish(crypto, { oneTime: false });
    const out = await send(crypto, bob, 'ok');
    expect(decodeText((await decrypt(crypto, alice, out.message)).plaintext)).toBe('ok');
  });

  it('delivers out of order and survives lost messages', async () => {
    let { alice, bob } = await establish(crypto);
    const messages: Uint8Array[] = [];
    for (let i = 0; i < 10; i++) {
      const out = await send(crypto, alice, `m${i}`);
      alice = out.state;
      messages.push(out.message);
    }
    // 3 and 7 are lost for good; the rest arrive shuffled.
    for (const i of [9, 0, 5, 2, 1, 8, 4, 6]) {
      const got = await decrypt(crypto, bob, messages[i]!);
      bob = got.state;
      expect(decodeText(got.plaintext)).toBe(`m${i}`);
    }
    expect(bob.skippedKeys).toHaveLength(2);
    // Bob answers across a ratchet step while Alice's old chain still has gaps.
    const reply = await send(crypto, bob, 'r');
    alice = (await decrypt(crypto, alice, reply.message)).state;
    const more = await send(crypto, alice, 'after');
    const got = await decrypt(crypto, bob, more.message);
    expect(decodeText(got.plaintext)).toBe('after');
  });

  it('handles long chains and enforces MAX_SKIP without a state change', async () => {
    const established = await establish(crypto);
    let alice = established.alice;
    const bob = established.bob;
    let last: Uint8Array = new Uint8Array();
    for (let i = 0; i < 1002; i++) {
      const out = await send(crypto, alice, `${i}`);
      alice = out.state;
      last = out.message;
    }
    // Bob has received message 0; the last one (n = 1002) would skip 1001 keys.
    const before = snapshot(bob);
    await expect(decrypt(crypto, bob, last)).rejects.toMatchObject({ code: 'too_many_skipped' });
    expect(snapshot(bob)).toBe(before);
    const out = await send(crypto, alice, 'x');
    alice = out.state;
    void alice;
    await expect(decrypt(crypto, bob, out.message)).rejects.toBeInstanceOf(CryptoError);
  });

  it('skips exactly MAX_SKIP keys within one chain', async () => {
    const established = await establish(crypto);
    let alice = established.alice;
    const bob = established.bob;
    let last: Uint8Array = new Uint8Array();
    for (let i = 0; i < 1001; i++) {
      const out = await send(crypto, alice, `${i}`);
      alice = out.state;
      last = out.message;
    }
    const got = await decrypt(crypto, bob, last);
    expect(got.newlySkipped).toBe(1000);
    expect(got.state.skippedKeys).toHaveLength(1000);
  });

  it('caps the kept skipped keys, dropping the oldest', async () => {
    let { alice, bob } = await establish(crypto);
    const firstOfChain: Uint8Array[] = [];
    // Three of Alice's chains in which only the last of 901 messages arrives: 2700 skipped keys.
    for (let chain = 0; chain < 3; chain++) {
      let last: Uint8Array = new Uint8Array();
      for (let i = 0; i < 901; i++) {
        const out = await send(crypto, alice, 'm');
        alice = out.state;
        if (i === 0) firstOfChain.push(out.message);
        last = out.message;
      }
      bob = (await decrypt(crypto, bob, last)).state;
      const reply = await send(crypto, bob, 'r');
      bob = reply.state;
      alice = (await decrypt(crypto, alice, reply.message)).state;
    }
    expect(bob.skippedKeys).toHaveLength(MAX_SKIPPED_KEYS);
    await expect(decrypt(crypto, bob, firstOfChain[0]!)).rejects.toBeInstanceOf(CryptoError);
    const kept = await decrypt(crypto, bob, firstOfChain[2]!);
    expect(decodeText(kept.plaintext)).toBe('m');
  });

  it('rejects replays and duplicates with no state change', async () => {
    const established = await establish(crypto);
    const first = established.first;
    let { alice, bob } = established;
    const out = await send(crypto, alice, 'once');
    alice = out.state;
    bob = (await decrypt(crypto, bob, out.message)).state;
    for (const again of [out.message, first]) {
      const before = snapshot(bob);
      await expect(decrypt(crypto, bob, again)).rejects.toMatchObject({ code: 'replay' });
      expect(snapshot(bob)).toBe(before);
    }
    // A late message decrypted from a kept key cannot be replayed either.
    const m1 = await send(crypto, alice, 'late');
    const m2 = await send(crypto, m1.state, 'early');
    bob = (await decrypt(crypto, bob, m2.message)).state;
    bob = (await decrypt(crypto, bob, m1.message)).state;
    await expect(decrypt(crypto, bob, m1.message)).rejects.toMatchObject({ code: 'replay' });
  });

  it('refuses an initial message of another session', async () => {
    const one = await establish(crypto);
    const two = await establish(crypto);
    await expect(decrypt(crypto, one.bob, two.first)).rejects.toMatchObject({
      code: 'session_mismatch',
    });
    await expect(decrypt(crypto, one.alice, one.first)).rejects.toMatchObject({
      code: 'session_mismatch',
    });
  });

  it('keeps states structured-clonable', async () => {
    const { alice, bob } = await establish(crypto);
    const out = await send(crypto, structuredClone(alice), 'cloned');
    const got = await decrypt(crypto, structuredClone(bob), out.message);
    expect(decodeText(got.plaintext)).toBe('cloned');
    const back = await send(crypto, structuredClone(got.state), 'back');
    expect(decodeText((await decrypt(crypto, out.state, back.message)).plaintext)).toBe('back');
  });
});
