#!/usr/bin/env -S npx tsx
/**
 * Takes the screenshots in docs/screenshots/ from the real apps: a test server on loopback with
 * the built apps (`npm run build` first; this builds nothing), Chromium, and a bakery's host
 * talking with a guest about opening hours.
 *
 *   npx tsx scripts/screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@knock/bench/chromium';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer } from '@knock/server/testing/test-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { e2eeDevice, signIn } from '../e2e/src/testing/devices.js';
import {
  createLinkInPage,
  joinInPage,
  sendInPage,
  signUpInPage,
} from '../e2e/src/testing/web-app.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

async function context(
  browser: Browser,
  options: { viewport: { width: number; height: number }; locale?: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const made = await browser.newContext({
    viewport: options.viewport,
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/London',
    colorScheme: 'light',
    // Sharp on phones; desktop shots are taken at one pixel per CSS pixel to stay small.
    deviceScaleFactor: 2,
  });
  return { context: made, page: await made.newPage() };
}

/** What the in-page callbacks use of the DOM. */
interface PageDocument {
  document: {
    activeElement: { blur?: () => void } | null;
    getElementById(id: string): { value: string } | null;
  };
}

async function shoot(
  page: Page,
  name: string,
  options: { scale: 'css' | 'device'; fullPage?: boolean },
): Promise<void> {
  // No focus ring left from the last click or field in the picture.
  await page.evaluate(() =>
    (globalThis as unknown as PageDocument).document.activeElement?.blur?.(),
  );
  await page.screenshot({
    path: join(OUT, name),
    scale: options.scale,
    fullPage: options.fullPage ?? false,
    caret: 'hide',
    animations: 'disabled',
  });
  console.log(`docs/screenshots/${name}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  if (!browser)
    throw new Error('Chromium is missing: apt-get install -y chromium (or KNOCK_CHROMIUM).');
  const server = await startTestServer({ env: CHEAP_PROOF_ENV });
  const bob = e2eeDevice(server.url);
  try {
    // The host: Ana, who runs a bakery, in the web app on a desktop.
    const host = await context(browser, { viewport: DESKTOP });
    await signUpInPage(host.page, server.url, 'ana', 'Ana Lind');
    const link = await createLinkInPage(host.page, {
      displayName: 'Ana’s Bakery',
      label: 'Shop window',
    });
    const ready = host.page.getByRole('region', { name: 'Your link is ready' });
    await ready.getByRole('button', { name: 'Show QR code' }).click();
    await ready.getByRole('img', { name: 'QR code of the link' }).waitFor();
    await shoot(host.page, 'web-links-desktop.png', { scale: 'css', fullPage: true });

    // A registered customer writes too.
    await signIn(bob, 'ben', 'Ben Okafor');
    await bob.connect();
    const bobChat = await bob.startChat('ana');
    await bob.sendText(bobChat.id, 'Could I pick up the sourdough order at 5 instead of 4?');

    // The guest opens the link on a phone.
    const guest = await context(browser, { viewport: PHONE });
    await guest.page.goto(link);
    await guest.page.getByRole('heading', { name: 'Ana’s Bakery invited you to chat' }).waitFor();
    await guest.page.getByLabel('I accept the terms').check();
    await guest.page.getByLabel('Your name').fill('Sam');
    await shoot(guest.page, 'guest-welcome-phone.png', { scale: 'device' });
    await joinInPage(guest.page, link, 'Sam');

    // Ana opens the request; Sam asks about the opening hours.
    await host.page.getByRole('link', { name: 'Chats', exact: true }).click();
    await host.page
      .getByRole('region', { name: 'Requests' })
      .getByRole('link', { name: /Sam \(Guest\)/ })
      .click();
    await host.page.getByRole('button', { name: 'Accept' }).waitFor();
    await sendInPage(guest.page, 'Hello! Are you open on Sunday morning?');
    const hostLog = host.page.getByRole('log', { name: 'Messages' });
    await hostLog.getByText('Are you open on Sunday morning?').waitFor();
    await host.page
      .getByRole('region', { name: 'Chats' })
      .getByRole('link', { name: /Ben Okafor/ })
      .waitFor();
    await shoot(host.page, 'web-chats-desktop.png', { scale: 'css' });

    // Ana answers (which accepts the request), and they go on.
    await sendInPage(host.page, 'Yes, from 8 to 12. Fresh croissants come out at 8.');
    const guestLog = guest.page.getByRole('log', { name: 'Messages' });
    await guestLog.getByText('Fresh croissants come out at 8.').waitFor();
    await sendInPage(guest.page, 'Lovely! Could you keep two almond croissants for me?');
    await hostLog.getByText('two almond croissants').waitFor();
    await sendInPage(host.page, 'Of course. They will wait at the counter under “Sam”.');
    await guestLog.getByText('under “Sam”').waitFor();
    await hostLog.locator('[data-status="read"]').last().waitFor();
    await guestLog.locator('[data-status="read"]').nth(1).waitFor();
    await shoot(guest.page, 'guest-chat-phone.png', { scale: 'device' });
    await guest.page.emulateMedia({ colorScheme: 'dark' });
    await shoot(guest.page, 'guest-chat-phone-dark.png', { scale: 'device' });

    // The same conversation in the web app on a phone.
    await host.page.setViewportSize(PHONE);
    await hostLog.getByText('under “Sam”').scrollIntoViewIfNeeded();
    await shoot(host.page, 'web-conversation-phone.png', { scale: 'device' });

    // An Arabic-speaking guest, right to left.
    await host.page.setViewportSize(DESKTOP);
    await createLinkInPage(host.page, { displayName: 'مخبز آنا' });
    // The page showed the first link already: wait for the new one.
    const shown = await host.page.waitForFunction((old) => {
      const field = (globalThis as unknown as PageDocument).document.getElementById(
        'link-url-created',
      );
      return field && field.value !== old ? field.value : false;
    }, link);
    const arabicLink = (await shown.jsonValue()) as string;
    const arabic = await context(browser, { viewport: PHONE, locale: 'ar' });
    await arabic.page.goto(arabicLink);
    await arabic.page.getByRole('heading', { name: 'دعاك مخبز آنا إلى المحادثة' }).waitFor();
    await arabic.page.getByLabel('أوافق على الشروط').check();
    await arabic.page.getByLabel('اسمك').fill('سارة');
    await shoot(arabic.page, 'guest-welcome-phone-ar.png', { scale: 'device' });
  } finally {
    await bob.close();
    await browser.close();
    await server.close();
  }
}

await main();
