/**
 * (5) End-to-end encryption cost: encrypt + decrypt per message over an established session, on
 * both backends in Node (this process) and in headless Chromium. No server is involved.
 */
import { nobleBackend } from '@knock/crypto/noble-backend';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { measureInChromium } from './crypto-browser.js';
import { measureCryptoCost, type CryptoCostCase, type CryptoCostConfig } from './crypto-cost.js';
import { CRYPTO_GOAL_BYTES, type CryptoFigures } from './goals.js';
import type { BenchOptions } from './options.js';
import { waitForQuiet } from './quiet.js';
import type { CryptoCaseRecord, CryptoRecord } from './results.js';
import { median } from './stats.js';

/** ~160-byte chat messages and 4 KiB ones; 96 messages a run is three bursts. */
export const CRYPTO_SIZES = [CRYPTO_GOAL_BYTES, 4096];
const MESSAGES_PER_RUN = 96;

const record = (platform: CryptoCaseRecord['platform'], c: CryptoCostCase): CryptoCaseRecord => ({
  platform,
  ...c,
  medianMicros: median(c.microsPerMessage),
});

export async function runCrypto(ctx: {
  options: BenchOptions;
  log: (line: string) => void;
}): Promise<CryptoRecord> {
  const config: CryptoCostConfig = {
    sizes: CRYPTO_SIZES,
    messages: MESSAGES_PER_RUN,
    runs: ctx.options.cryptoRuns,
  };
  const quiet = async () => {
    const seconds = ctx.options.waitQuietSeconds;
    if (seconds > 0) await waitForQuiet(seconds, 15, ctx.log);
  };
  const cases: CryptoCaseRecord[] = [];
  for (const backend of [webCryptoBackend, nobleBackend]) {
    await quiet();
    ctx.log(`crypto: Node, ${backend.name} backend`);
    cases.push(...(await measureCryptoCost(backend, config)).map((c) => record('node', c)));
  }
  await quiet();
  ctx.log('crypto: Chromium, webcrypto and noble backends');
  const browser = await measureInChromium(config);
  if (browser.available) {
    cases.push(...browser.cases.map((c) => record('chromium', c)));
    if (!browser.nativeCurves) {
      ctx.log('  this Chromium lacks WebCrypto X25519/Ed25519: noble backend only');
    }
  } else {
    ctx.log(`  skipped: ${browser.reason}`);
  }
  const chromium: CryptoRecord['chromium'] = browser.available
    ? { available: true, version: browser.version, nativeCurves: browser.nativeCurves }
    : browser;
  return { runs: config.runs, messagesPerRun: config.messages, cases, chromium };
}

/** The figures the target is judged on: Chromium, WebCrypto backend, 160-byte messages. */
export function cryptoFigures(result: CryptoRecord): CryptoFigures {
  const chosen = result.cases.filter(
    (c) =>
      c.platform === 'chromium' &&
      c.backend === 'webcrypto' &&
      c.plaintextBytes === CRYPTO_GOAL_BYTES,
  );
  const missing = !result.chromium.available
    ? result.chromium.reason
    : result.chromium.nativeCurves
      ? undefined
      : 'this Chromium lacks WebCrypto X25519/Ed25519';
  return {
    chromiumWebCrypto: chosen.map((c) => ({ pattern: c.pattern, micros: c.medianMicros })),
    missing,
    runs: result.runs,
  };
}
