/**
 * Runs the end-to-end encryption cost benchmark inside headless Chromium: crypto-page.js and
 * `@knock/crypto` are bundled with esbuild into one script, loaded into a blank page, and driven
 * from here with playwright-core.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BackendName } from '@knock/crypto/backend';
import { CHROMIUM_PATH, launchChromium } from './chromium.js';
import type { CryptoCostCase, CryptoCostConfig } from './crypto-cost.js';
import { PAGE_GLOBAL, type CryptoPageApi } from './crypto-page-api.js';

const PAGE_ENTRY = fileURLToPath(new URL('./crypto-page.js', import.meta.url));
/** Served by Playwright itself, never over the network; localhost makes it a secure context. */
const PAGE_URL = 'http://localhost/knock-crypto-bench';

export type ChromiumCryptoResult =
  | { available: false; reason: string }
  | { available: true; version: string; nativeCurves: boolean; cases: CryptoCostCase[] };

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2023',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no bundle');
  return file.text;
}

type PageGlobals = Record<string, CryptoPageApi>;

/**
 * Measures the WebCrypto backend (when the browser implements X25519 and Ed25519 itself) and the
 * noble backend in one blank Chromium page.
 */
export async function measureInChromium(config: CryptoCostConfig): Promise<ChromiumCryptoResult> {
  const script = await bundlePage();
  const browser = await launchChromium();
  if (!browser) return { available: false, reason: `no Chromium at ${CHROMIUM_PATH}` };
  try {
    const page = await browser.newPage();
    await page.route(PAGE_URL, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Knock</title>' }),
    );
    await page.goto(PAGE_URL);
    await page.addScriptTag({ content: script });
    // The callbacks below run in the page: they may use only their arguments.
    const nativeCurves = await page.evaluate(
      (name) => (globalThis as unknown as PageGlobals)[name]!.nativeCurves(),
      PAGE_GLOBAL,
    );
    const backends: BackendName[] = nativeCurves ? ['webcrypto', 'noble'] : ['noble'];
    const cases: CryptoCostCase[] = [];
    for (const backend of backends) {
      const measured = await page.evaluate(
        ([name, which, settings]) =>
          (globalThis as unknown as PageGlobals)[name]!.measure(which, settings),
        [PAGE_GLOBAL, backend, config] as const,
      );
      cases.push(...measured);
    }
    return { available: true, version: browser.version(), nativeCurves, cases };
  } finally {
    await browser.close();
  }
}
