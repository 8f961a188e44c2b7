/**
 * Per-message cost of Knock's end-to-end encryption: encrypt on one side plus decrypt on the
 * other, over an established Double Ratchet session. Platform-neutral: the same code runs in Node
 * and, bundled, inside Chromium.
 *
 * - `ping-pong`: the direction changes with every message, so every decrypt takes a DH ratchet
 *   step (a key pair, two X25519 and two HKDF) on top of the chain step: the costly case.
 * - `burst`: runs of {@link BURST} messages one way, then the other way: one DH ratchet step per
 *   run, symmetric-key work (HMAC, HKDF, AES-GCM) for the rest.
 */
import type { BackendName, CryptoBackend } from '@knock/crypto/backend';
import { decrypt, encrypt } from '@knock/crypto/session';
import { establishSession, type SessionPair } from './crypto-session.js';

export type CryptoPattern = 'ping-pong' | 'burst';
export const CRYPTO_PATTERNS: readonly CryptoPattern[] = ['ping-pong', 'burst'];
export const BURST = 32;

export interface CryptoCostConfig {
  /** Plaintext sizes in bytes. */
  sizes: number[];
  /** Messages per measured run of each pattern and size. */
  messages: number;
  /** Measured runs; the report gives their median. */
  runs: number;
}

export interface CryptoCostCase {
  backend: BackendName;
  pattern: CryptoPattern;
  plaintextBytes: number;
  messagesPerRun: number;
  /** One figure per run: microseconds per message (encrypt + decrypt). */
  microsPerMessage: number[];
}

type Party = keyof SessionPair;

/** Sends `count` messages, switching direction every `every` messages; returns elapsed ms. */
async function exchange(
  crypto: CryptoBackend,
  pair: SessionPair,
  plaintext: Uint8Array,
  count: number,
  every: number,
): Promise<number> {
  const started = performance.now();
  let from: Party = 'alice';
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % every === 0) from = from === 'alice' ? 'bob' : 'alice';
    const to: Party = from === 'alice' ? 'bob' : 'alice';
    const sent = await encrypt(crypto, pair[from], plaintext);
    pair[from] = sent.state;
    const received = await decrypt(crypto, pair[to], sent.message);
    pair[to] = received.state;
    if (received.plaintext.length !== plaintext.length) throw new Error('plaintext mismatch');
  }
  return performance.now() - started;
}

/** Measures every pattern and size on one backend; runs are interleaved across the cases. */
export async function measureCryptoCost(
  crypto: CryptoBackend,
  config: CryptoCostConfig,
): Promise<CryptoCostCase[]> {
  const pair = await establishSession(crypto);
  const cases: CryptoCostCase[] = CRYPTO_PATTERNS.flatMap((pattern) =>
    config.sizes.map((plaintextBytes) => ({
      backend: crypto.name,
      pattern,
      plaintextBytes,
      messagesPerRun: config.messages,
      microsPerMessage: [],
    })),
  );
  const plaintexts = new Map(config.sizes.map((size) => [size, crypto.randomBytes(size)]));
  // Warm-up: compile the hot paths and settle the platform before anything is measured.
  for (const c of cases) {
    await exchange(crypto, pair, plaintexts.get(c.plaintextBytes)!, BURST, everyFor(c.pattern));
  }
  for (let run = 0; run < config.runs; run++) {
    // Each run starts at another case, so that no case always follows the same one.
    for (const [i] of cases.entries()) {
      const c = cases[(i + run) % cases.length]!;
      const plaintext = plaintexts.get(c.plaintextBytes)!;
      const ms = await exchange(crypto, pair, plaintext, config.messages, everyFor(c.pattern));
      c.microsPerMessage.push((ms * 1000) / config.messages);
    }
  }
  return cases;
}

const everyFor = (pattern: CryptoPattern) => (pattern === 'ping-pong' ? 1 : BURST);
