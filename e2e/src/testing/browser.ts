import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '@knock/bench/chromium';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Chromium for the browser end-to-end suites; fails loudly when it is missing. */
export async function openChromium(): Promise<Browser> {
  const browser = await launchChromium();
  if (!browser)
    throw new Error('Chromium is missing: apt-get install -y chromium (or KNOCK_CHROMIUM).');
  return browser;
}

/** A phone-sized context (360 × 740), as most guests open their link. */
export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

export async function newPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? PHONE,
    locale: options.locale ?? 'en-GB',
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * Everything a page sends: each request's URL, headers and body, and each WebSocket frame it
 * sends (T2 looks for the link secret in all of them).
 */
export interface Traffic {
  readonly sent: string[];
  /**
   * Script errors, CSP violations and other console errors. HTTP error answers are left out: an
   * app asking whether it is signed in meets a 401 on purpose.
   */
  readonly problems: string[];
}

export function recordTraffic(page: Page): Traffic {
  const traffic: Traffic = { sent: [], problems: [] };
  page.on('request', (request) => {
    traffic.sent.push(request.url());
    traffic.sent.push(JSON.stringify(request.headers()));
    const body = request.postData();
    if (body) traffic.sent.push(body);
  });
  page.on('websocket', (socket) => {
    traffic.sent.push(socket.url());
    socket.on('framesent', ({ payload }) => traffic.sent.push(String(payload)));
  });
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
      traffic.problems.push(text);
    }
  });
  page.on('pageerror', (error) => traffic.problems.push(error.message));
  return traffic;
}

/**
 * One Chromium for the whole file, launched before its first test and closed after its last:
 * `const chromium = useChromium();` then `chromium.browser` inside tests.
 */
export function useChromium(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await openChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is not open yet: use it inside a test.');
      return browser;
    },
  };
}
