/**
 * How Knock launches a browser, for the benchmark and for the browser test project
 * (vitest.config.ts): the system Chromium (Debian's `chromium`; Playwright never downloads a
 * browser for Knock), headless, with flags for a machine without a GPU, a sandbox or outside
 * network. `KNOCK_CHROMIUM` overrides the path.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['KNOCK_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

/** A headless Chromium, or undefined when none is installed. */
export async function launchChromium(): Promise<Browser | undefined> {
  if (!chromiumAvailable()) return undefined;
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
