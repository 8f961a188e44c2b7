/**
 * T5: a model test of the ratchet in the style of libsignal's interaction fuzzer. Random sequences
 * of send / deliver / drop / duplicate / shuffle / replay / reload between two parties; every first
 * delivery must decrypt to what was sent, every second delivery and replay must fail with no state
 * change, and the kept skipped keys must stay under the cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';
import { createIdentity, type Identity } from './identity.js';
import { decodeInitialMessage } from './initial-message.js';
import { initiateSession } from './pqxdh-initiator.js';
import { acceptInitialMessage } from './pqxdh-responder.js';
import { decrypt, encrypt } from './session.js';
import { sessionFromJSON, sessionToJSON } from './session-codec.js';
import { MAX_SKIPPED_KEYS, type SessionState } from './session-state.js';
import { acceptOptions, makeResponder, snapshot, type Responder } from './testing/parties.js';
import { backends } from './testing/vectors.js';
import { utf8 } from './utf8.js';

type Party = 'alice' | 'bob';

type Action =
  | { readonly kind: 'send'; readonly from: Party; readonly size: number }
  | { readonly kind: 'deliver' | 'drop' | 'duplicate'; readonly pick: number }
  | { readonly kind: 'shuffle'; readonly pick: number }
  | { readonly kind: 'replay'; readonly pick: number }
  | { readonly kind: 'reload'; readonly who: Party; readonly viaJson: boolean };

const party = fc.constantFrom<Party>('alice', 'bob');
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('send' as const), from: party, size: fc.nat(300) }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reload' as const),
      who: party,
      viaJson: fc.boolean(),
    }),
  },
);

interface Envelope {
  readonly id: number;
  readonly to: Party;
  readonly bytes: Uint8Array;
  readonly plaintext: Uint8Array;
}

class World {
  states: Record<Party, SessionState | null>;
  inFlight: Envelope[] = [];
  delivered: Envelope[] = [];
  deliveredIds = new Set<number>();
  nextId = 0;

  constructor(
    private readonly crypto: CryptoBackend,
    private readonly responder: Responder,
    alice: SessionState,
  ) {
    this.states = { alice, bob: null };
  }

  async run(step: Action): Promise<void> {
    switch (step.kind) {
      case 'send':
        return this.send(step.from, step.size);
      case 'deliver':
        return this.deliver(this.take(step.pick));
      case 'drop':
        this.take(step.pick);
        return;
      case 'duplicate': {
        const copy = this.inFlight[step.pick % Math.max(this.inFlight.length, 1)];
        if (copy !== undefined) this.inFlight.push(copy);
        return;
      }
      case 'shuffle':
        this.inFlight = this.inFlight
          .map((_, i, all) => all[(i + step.pick) % all.length]!)
          .reverse();
        return;
      case 'replay': {
        const old = this.delivered[step.pick % Math.max(this.delivered.length, 1)];
        if (old !== undefined) await this.expectRejected(old);
        return;
      }
      case 'reload':
        return this.reload(step.who, step.viaJson);
    }
  }

  private take(pick: number): Envelope | undefined {
    if (this.inFlight.length === 0) return undefined;
    return this.inFlight.splice(pick % this.inFlight.length, 1)[0];
  }

  private async send(from: Party, size: number): Promise<void> {
    const state = this.states[from];
    if (state === null) return;
    const id = this.nextId++;
    const plaintext = utf8(`${from} #${id} ${'x'.repeat(size)}`);
    const out = await encrypt(this.crypto, state, plaintext);
    this.states[from] = out.state;
    this.inFlight.push({
      id,
      to: from === 'alice' ? 'bob' : 'alice',
      bytes: out.message,
      plaintext,
    });
  }

  private async deliver(envelope: Envelope | undefined): Promise<void> {
    if (envelope === undefined) return;
    if (this.deliveredIds.has(envelope.id)) return this.expectRejected(envelope);
    const state = this.states[envelope.to];
    const result =
      state === null
        ? await acceptInitialMessage(
            this.crypto,
            acceptOptions(this.responder, { extractable: true }),
            decodeInitialMessage(envelope.bytes),
          )
        : await decrypt(this.crypto, state, envelope.bytes);
    expect(result.plaintext).toEqual(envelope.plaintext);
    expect(result.state.skippedKeys.length).toBeLessThanOrEqual(MAX_SKIPPED_KEYS);
    this.states[envelope.to] = result.state;
    this.deliveredIds.add(envelope.id);
    this.delivered.push(envelope);
  }

  private async expectRejected(envelope: Envelope): Promise<void> {
    const state = this.states[envelope.to];
    if (state === null) throw new Error('a delivered message has a receiver');
    const before = snapshot(state);
    const error: unknown = await decrypt(this.crypto, state, envelope.bytes).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CryptoError);
    expect(['replay', 'decrypt_failed']).toContain((error as CryptoError).code);
    expect(snapshot(state)).toBe(before);
  }

  private async reload(who: Party, viaJson: boolean): Promise<void> {
    const state = this.states[who];
    if (state === null) return;
    this.states[who] = viaJson
      ? await sessionFromJSON(
          this.crypto,
          JSON.parse(JSON.stringify(await sessionToJSON(this.crypto, state))),
        )
      : structuredClone(state);
  }

  /** Finally everything still in flight arrives: first copies decrypt, second copies fail. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.deliver(this.take(0));
  }
}

describe.each(backends)('ratchet model on the %s backend (T5)', (_name, crypto) => {
  it('delivers every message once, rejects replays and keeps the cap', async () => {
    const responder = await makeResponder(crypto);
    const aliceIdentity: Identity = await createIdentity(crypto);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), async (actions) => {
        const alice = await initiateSession(crypto, {
          identity: aliceIdentity,
          bundle: responder.bundle,
          extractable: true,
        });
        const world = new World(crypto, responder, alice);
        for (const step of actions) await world.run(step);
        await world.drain();
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
