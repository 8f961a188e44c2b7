/**
 * Builds the deterministic known-answer transcript `test-vectors/knock-transcript-v1.json`: two
 * identities, a bundle, PQXDH with a pre-shared key, and thirteen ratchet messages both ways with
 * reordering and one loss. All randomness comes from {@link deterministicBackend}, so the result
 * depends only on the seed and on the primitives agreeing byte for byte.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoBackend } from '../backend.js';
import { createBundle } from '../bundle.js';
import { encodeBundle } from '../bundle-codec.js';
import { createIdentity, publicIdentity } from '../identity.js';
import { encodePublicIdentity } from '../identity-codec.js';
import { decodeInitialMessage } from '../initial-message.js';
import { initiateSession } from '../pqxdh-initiator.js';
import { acceptInitialMessage } from '../pqxdh-responder.js';
import { createKemPrekey, createOneTimePrekeys, createSignedPrekey } from '../prekeys.js';
import { safetyNumber } from '../safety-number.js';
import { decrypt, encrypt } from '../session.js';
import { sessionToJSON } from '../session-codec.js';
import type { DecryptResult, SessionState } from '../session-state.js';
import { utf8 } from '../utf8.js';
import { deterministicBackend } from './deterministic.js';
import { toHex } from './vectors.js';

export const TRANSCRIPT_SEED = 'knock-transcript-v1';
export const TRANSCRIPT_FILE = 'knock-transcript-v1.json';

type Party = 'alice' | 'bob';

/** The script: send (from, text) or deliver (message index), in this order. */
const SCRIPT: readonly (readonly ['send', Party, string] | readonly ['deliver', number])[] = [
  ['send', 'alice', 'Hello Bob, this is Alice.'],
  ['send', 'alice', 'Are you there?'],
  ['deliver', 1],
  ['deliver', 0],
  ['send', 'bob', 'Hi Alice!'],
  ['send', 'bob', 'Yes, here.'],
  ['send', 'bob', 'What is up?'],
  ['deliver', 4],
  ['deliver', 2],
  ['deliver', 3],
  ['send', 'alice', 'Lunch tomorrow?'],
  ['send', 'alice', 'At noon.'],
  ['deliver', 6],
  ['send', 'bob', 'Sounds good.'],
  ['deliver', 7],
  ['send', 'alice', 'Great, see you.'],
  ['deliver', 8],
  ['deliver', 5],
  ['send', 'alice', 'This one is lost.'],
  ['send', 'bob', 'Where?'],
  ['send', 'bob', 'The usual place? \u{1F96A}'],
  ['deliver', 11],
  ['deliver', 10],
  ['send', 'alice', 'Yes. Bye!'],
  ['deliver', 12],
];

const other = (party: Party): Party => (party === 'alice' ? 'bob' : 'alice');

async function stateDigest(crypto: CryptoBackend, state: SessionState): Promise<string> {
  return toHex(sha256(utf8(JSON.stringify(await sessionToJSON(crypto, state)))));
}

export async function buildTranscript(base: CryptoBackend): Promise<unknown> {
  const crypto = deterministicBackend(base, TRANSCRIPT_SEED);
  const aliceIdentity = await createIdentity(crypto);
  const bobIdentity = await createIdentity(crypto);
  const signedPrekey = await createSignedPrekey(crypto, bobIdentity, 1);
  const kemPrekey = await createKemPrekey(crypto, bobIdentity, 100, false);
  const [oneTimePrekey] = await createOneTimePrekeys(crypto, 1000, 1);
  const bundle = createBundle(bobIdentity, signedPrekey, kemPrekey, oneTimePrekey!);
  const psk = crypto.randomBytes(32);

  const states: Record<Party, SessionState | null> = {
    alice: await initiateSession(crypto, {
      identity: aliceIdentity,
      bundle,
      psk,
      extractable: true,
    }),
    bob: null,
  };
  const messages: { index: number; from: Party; plaintext: string; wire: string }[] = [];
  const wires: Uint8Array[] = [];
  const deliveries: Record<string, unknown>[] = [];
  for (const step of SCRIPT) {
    if (step[0] === 'send') {
      const [, from, text] = step;
      const out = await encrypt(crypto, states[from]!, utf8(text));
      states[from] = out.state;
      wires.push(out.message);
      messages.push({ index: messages.length, from, plaintext: text, wire: toHex(out.message) });
      continue;
    }
    const message = messages[step[1]]!;
    const to = other(message.from);
    const state = states[to];
    const result: DecryptResult =
      state === null
        ? await acceptInitialMessage(
            crypto,
            {
              identity: bobIdentity,
              signedPrekey,
              kemPrekey,
              oneTimePrekey: oneTimePrekey!,
              psk,
              extractable: true,
            },
            decodeInitialMessage(wires[step[1]]!),
          )
        : await decrypt(crypto, state, wires[step[1]]!);
    states[to] = result.state;
    deliveries.push({
      index: message.index,
      to,
      plaintext: new TextDecoder().decode(result.plaintext),
      previousChainLength: result.header.previousChainLength,
      messageNumber: result.header.messageNumber,
      newlySkipped: result.newlySkipped,
      outOfOrder: result.outOfOrder,
    });
  }
  const alice = publicIdentity(aliceIdentity);
  const bob = publicIdentity(bobIdentity);
  return {
    description:
      'Knock protocol known-answer transcript: PQXDH (with pre-shared key) and the Double Ratchet. ' +
      'Generated with the deterministic test backend from the seed; see test-vectors/README.md.',
    seed: TRANSCRIPT_SEED,
    alice: { userId: 'alice', publicIdentity: toHex(encodePublicIdentity(alice)) },
    bob: { userId: 'bob', publicIdentity: toHex(encodePublicIdentity(bob)) },
    bundle: toHex(encodeBundle(bundle)),
    psk: toHex(psk),
    messages,
    deliveries,
    safetyNumber: await safetyNumber(
      crypto,
      { userId: 'alice', signingKey: alice.signingKey },
      { userId: 'bob', signingKey: bob.signingKey },
    ),
    finalStateSha256: {
      alice: await stateDigest(crypto, states.alice!),
      bob: await stateDigest(crypto, states.bob!),
    },
  };
}

export function transcriptText(transcript: unknown): string {
  return `${JSON.stringify(transcript, null, 2)}\n`;
}
