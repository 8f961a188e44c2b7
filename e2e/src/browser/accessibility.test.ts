import type { KnockClient } from '@knock/client/knock-client';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accessibilityTree,
  axeViolations,
  describeViolations,
  unnamedControls,
} from '../testing/axe.js';
import { DESKTOP, PHONE, useChromium, recordTraffic } from '../testing/browser.js';
import { PASSWORD, e2eeDevice, signIn } from '../testing/devices.js';
import { createLinkInPage, joinInPage, sendInPage, signUpInPage } from '../testing/web-app.js';

// WCAG 2.2 AA in Chromium against a real server: axe-core's rules on every screen of the guest
// page and the web app, at phone and desktop sizes in light and dark; names, the live message
// log, visible focus, reduced motion, and the web app used with the keyboard alone.

const chromium = useChromium();
let server: TestServer;
const clients: KnockClient[] = [];
const contexts: BrowserContext[] = [];

beforeEach(async () => {
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  for (const client of clients.splice(0)) await client.close();
  await server.close();
});

type Scheme = 'light' | 'dark';

async function open(
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: Scheme;
    reducedMotion?: 'reduce' | 'no-preference';
  } = {},
): Promise<Page> {
  const context = await chromium.browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'no-preference',
    locale: 'en-GB',
  });
  contexts.push(context);
  return context.newPage();
}

/** A registered user on the SDK, signed in and online. */
async function sdkUser(username: string, displayName: string): Promise<KnockClient> {
  const client = e2eeDevice(server.url);
  clients.push(client);
  await signIn(client, username, displayName);
  await client.connect();
  return client;
}

/** Collects what each screen fails, so that one run reports every screen at once. */
class Audit {
  readonly failures: string[] = [];

  async check(page: Page, screen: string): Promise<void> {
    this.failures.push(...describeViolations(screen, await axeViolations(page)));
    for (const unnamed of await unnamedControls(page)) this.failures.push(`${screen}: ${unnamed}`);
  }

  /** The message list is a polite log that announces additions (not removals or text changes). */
  async checkLog(page: Page, screen: string): Promise<void> {
    const logs = (await accessibilityTree(page)).filter((node) => node.role === 'log');
    if (logs.length !== 1) {
      this.failures.push(`${screen}: ${logs.length} logs, expected the message list alone`);
      return;
    }
    const [log] = logs;
    if (log!.name !== 'Messages') this.failures.push(`${screen}: the log is named "${log!.name}"`);
    if (log!.properties['live'] !== 'polite')
      this.failures.push(`${screen}: the log is live "${String(log!.properties['live'])}"`);
    if (log!.properties['relevant'] !== 'additions')
      this.failures.push(`${screen}: the log announces "${String(log!.properties['relevant'])}"`);
  }

  /** A button focused from the keyboard shows an outline that stands out from what is behind it. */
  async checkFocusRing(screen: string, button: Locator): Promise<void> {
    const ring = await focusRing(button);
    if (ring.style === 'none' || ring.width < 2)
      this.failures.push(`${screen}: focus outline ${ring.style} ${ring.width}px`);
    const ratio = contrast(ring.color, ring.behind);
    if (ratio < 3)
      this.failures.push(
        `${screen}: focus outline ${ring.color} on ${ring.behind} has contrast ${ratio.toFixed(2)}`,
      );
  }

  assertClean(): void {
    expect(this.failures.length, `\n${this.failures.join('\n')}\n`).toBe(0);
  }
}

/** What the in-page callbacks use of the DOM (the e2e suites compile without the DOM library). */
interface Style {
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  backgroundColor: string;
  animationName: string;
  transitionDuration: string;
  scrollBehavior: string;
}
interface El {
  parentElement: El | null;
  matches(selector: string): boolean;
  ownerDocument: {
    activeElement: El | null;
    defaultView: { getComputedStyle(element: El): Style };
  };
}

async function focusRing(
  button: Locator,
): Promise<{ style: string; width: number; color: string; behind: string }> {
  return button.evaluate((element: El) => {
    const view = element.ownerDocument.defaultView;
    if (element.ownerDocument.activeElement !== element || !element.matches(':focus-visible'))
      throw new Error('the button is not focused from the keyboard');
    const style = view.getComputedStyle(element);
    // The outline sits outside the button (offset 2px): compare it with the parent's background.
    let behind = element.parentElement;
    let background = 'rgb(255, 255, 255)';
    while (behind) {
      const colour = view.getComputedStyle(behind).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') {
        background = colour;
        break;
      }
      behind = behind.parentElement;
    }
    return {
      style: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
      color: style.outlineColor,
      behind: background,
    };
  });
}

/** WCAG's contrast ratio of two opaque `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r = 0, g = 0, bl = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

const SIZES = { phone: PHONE, desktop: DESKTOP } as const;
const COMBINATIONS = (['phone', 'desktop'] as const).flatMap((size) =>
  (['light', 'dark'] as const).map((scheme) => [size, scheme] as const),
);

describe('WCAG 2.2 AA on every screen', () => {
  it.each(COMBINATIONS)(
    'finds no violation on a %s in %s',
    async (size, scheme) => {
      const audit = new Audit();
      const viewport = SIZES[size];
      const host = await open({ viewport, colorScheme: scheme });
      const hostTraffic = recordTraffic(host);

      // Web: sign in, sign up.
      await host.goto(`${server.url}/sign-in`);
      await host.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      await audit.check(host, 'web sign-in');
      await host.getByRole('link', { name: 'New here? Create an account' }).click();
      await host.getByRole('heading', { name: 'Sign up', level: 1 }).waitFor();
      await audit.check(host, 'web sign-up');
      await signUpInPage(host, server.url, 'ana', 'Ana Lind');

      // Web: Links, with the new link and its QR code.
      const link = await createLinkInPage(host, {
        displayName: 'Ana’s Bakery',
        label: 'shop window',
      });
      const ready = host.getByRole('region', { name: 'Your link is ready' });
      await ready.getByRole('button', { name: 'Show QR code' }).click();
      await ready.getByRole('img', { name: 'QR code of the link' }).waitFor();
      await audit.check(host, 'web links');

      // Guest: the welcome screen, then a chat.
      const guest = await open({ viewport, colorScheme: scheme });
      const guestTraffic = recordTraffic(guest);
      await guest.goto(link);
      await guest.getByRole('heading', { name: 'Ana’s Bakery invited you to chat' }).waitFor();
      await audit.check(guest, 'guest welcome');
      await joinInPage(guest, link, 'Sam Doe');

      // A registered user writes too, so that the list has a request and a chat.
      const bob = await sdkUser('bob', 'Bob Berg');
      const bobChat = await bob.startChat('ana');
      await bob.sendText(bobChat.id, 'Can I order a birthday cake for Saturday?');

      // Web: the chat list, then the guest's request.
      await host.getByRole('link', { name: 'Chats', exact: true }).click();
      const request = host
        .getByRole('region', { name: 'Requests' })
        .getByRole('link', { name: /Sam Doe \(Guest\)/ });
      await request.waitFor();
      await host
        .getByRole('region', { name: 'Chats' })
        .getByRole('link', { name: /Bob Berg/ })
        .waitFor();
      await audit.check(host, 'web chat list');
      await request.click();
      const title = host.getByRole('heading', { name: /Sam Doe \(Guest\)/, level: 1 });
      await title.waitFor();
      // Focus lands on the chat opened, also on a phone, where the list is gone.
      expect(await isFocused(title)).toBe(true);
      // The guest writes once the host has the chat open.
      await sendInPage(guest, 'Hello! Are you open on Sunday morning?');
      const hostLog = host.getByRole('log', { name: 'Messages' });
      await hostLog.getByText('Hello! Are you open on Sunday morning?').waitFor();
      await host.getByRole('button', { name: 'Accept' }).waitFor();
      await audit.check(host, 'web conversation with a request');
      await audit.checkLog(host, 'web conversation with a request');

      // A keyboard user sees where focus is.
      await host.getByRole('button', { name: 'Ignore' }).focus();
      await host.keyboard.press('Shift+Tab');
      await audit.checkFocusRing('web conversation', host.getByRole('button', { name: 'Accept' }));

      // Web: the safety number.
      await host.getByRole('button', { name: 'Safety number' }).click();
      const safety = host.getByRole('dialog', { name: 'Safety number with Sam Doe' });
      await safety.waitFor();
      await audit.check(host, 'web safety number');
      await safety.getByRole('button', { name: 'Close' }).click();
      await safety.waitFor({ state: 'hidden' });

      // The host replies (which accepts); the guest sees both sides, with ticks.
      await sendInPage(host, 'Yes, from 8 to 12 on Sundays. Fresh croissants at 8!');
      const guestLog = guest.getByRole('log', { name: 'Messages' });
      await guestLog.getByText('Fresh croissants at 8!').waitFor();
      await guestLog.locator('[data-status="read"]').waitFor();
      await hostLog.locator('[data-status="read"]').waitFor();
      await audit.check(guest, 'guest chat');
      await audit.checkLog(guest, 'guest chat');
      await guest.getByRole('button', { name: 'Save transcript' }).focus();
      await guest.keyboard.press('Tab');
      await audit.checkFocusRing('guest chat', guest.getByRole('button', { name: 'End chat' }));

      // Web: New chat.
      await host.getByRole('link', { name: 'New chat' }).click();
      await host.getByRole('heading', { name: 'New chat', level: 1 }).waitFor();
      await audit.check(host, 'web new chat');

      // Guest: the one-time link again, now used.
      const late = await open({ viewport, colorScheme: scheme });
      await late.goto(link);
      await late.getByRole('heading', { name: 'This link is not available' }).waitFor();
      await audit.check(late, 'guest link not available');

      audit.assertClean();
      expect(hostTraffic.problems).toEqual([]);
      expect(guestTraffic.problems).toEqual([]);
    },
    120_000,
  );
});

/** The focused element as a screen reader would name it, e.g. `button "Send"`, or `body`. */
async function focused(page: Page): Promise<string> {
  const element = page.locator(':focus');
  if ((await element.count()) === 0) return 'body';
  const snapshot = await element.ariaSnapshot();
  return snapshot.split('\n')[0]!.replace(/^- /, '').replace(/:$/, '');
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element: El) => element.ownerDocument.activeElement === element);
}

/** Presses Tab (or Shift+Tab) until `target` has focus; fails with the way focus went. */
async function tabTo(
  page: Page,
  target: Locator,
  options: { back?: boolean; max?: number } = {},
): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < (options.max ?? 40); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    if (await isFocused(target)) return;
    path.push(await focused(page));
  }
  throw new Error(`Tab never reached ${String(target)}; focus went: ${path.join(' → ')}`);
}

interface ActiveDocument {
  document: { activeElement: unknown };
}

/**
 * Presses Tab until focus comes back to where the first press took it, and returns that round
 * (the page itself, between the last element and the first, left out). Focus that never comes
 * back is trapped somewhere.
 */
async function tabCycle(page: Page, max = 60): Promise<string[]> {
  await page.keyboard.press('Tab');
  const first = await page.evaluateHandle(
    () => (globalThis as unknown as ActiveDocument).document.activeElement,
  );
  const round = [await focused(page)];
  try {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const back = await page.evaluate(
        (element) => (globalThis as unknown as ActiveDocument).document.activeElement === element,
        first,
      );
      if (back) return round.filter((name) => name !== 'body');
      round.push(await focused(page));
    }
  } finally {
    await first.dispose();
  }
  throw new Error(`focus never came back to ${round[0]}; it went: ${round.join(' → ')}`);
}

describe('the keyboard alone', () => {
  it('signs in, creates a link, opens a chat, sends, and opens and closes End chat', async () => {
    const registrar = e2eeDevice(server.url);
    clients.push(registrar);
    await registrar.register('ana', PASSWORD, 'Ana Lind');
    const page = await open();
    const traffic = recordTraffic(page);

    // Sign in: the heading has focus, then Username, Password and the button in that order.
    await page.goto(`${server.url}/sign-in`);
    const heading = page.getByRole('heading', { name: 'Sign in', level: 1 });
    await heading.waitFor();
    expect(await isFocused(heading)).toBe(true);
    // The form goes round without a trap (the button waits for both fields), ending on Username.
    expect(await tabCycle(page)).toEqual([
      'textbox "Username"',
      'textbox "Password"',
      'link "New here? Create an account"',
    ]);
    expect(await focused(page)).toBe('textbox "Username"');
    await page.keyboard.type('ana');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('textbox "Password"');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button "Sign in"');
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Chats' }).waitFor();

    // The first stop is the skip link, shown when focused; it moves focus to the content.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await isFocused(skip)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    const box = await skip.boundingBox();
    expect(box && box.x >= 0 && box.y >= 0).toBe(true);

    // Links: fill in the name guests see and create the link with Enter.
    await tabTo(page, page.getByRole('link', { name: 'Links' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Links', level: 1 }).waitFor();
    await tabTo(page, page.getByLabel('Name guests see'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Ana’s Bakery');
    await tabTo(page, page.getByRole('button', { name: 'Create link' }));
    await page.keyboard.press('Enter');
    const ready = page.getByRole('region', { name: 'Your link is ready' });
    await ready.waitFor();
    // The new link takes focus: it is announced, and the keyboard goes on from there.
    expect(await focused(page)).toBe('heading "Your link is ready" [level=2]');
    const link = await ready.getByRole('textbox').inputValue();
    // Its QR code opens from the keyboard too.
    await tabTo(page, ready.getByRole('button', { name: 'Show QR code' }));
    await page.keyboard.press('Enter');
    await ready.getByRole('img', { name: 'QR code of the link' }).waitFor();
    expect(await tabCycle(page)).toContain('link "Skip to content"');

    // A guest (with a mouse) starts a chat.
    const guest = await open({ viewport: PHONE });
    await joinInPage(guest, link, 'Sam Doe');

    // Chats: the request opens with Enter.
    await tabTo(page, page.getByRole('link', { name: 'Chats', exact: true }), { back: true });
    await page.keyboard.press('Enter');
    const request = page
      .getByRole('region', { name: 'Requests' })
      .getByRole('link', { name: /Sam Doe \(Guest\)/ });
    await request.waitFor();
    await tabTo(page, request);
    await page.keyboard.press('Enter');
    const title = page.getByRole('heading', { name: /Sam Doe \(Guest\)/, level: 1 });
    await title.waitFor();
    expect(await isFocused(title)).toBe(true);
    await sendInPage(guest, 'Are you open on Sunday?');
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Are you open on Sunday?').waitFor();

    // Enter sends; focus stays in the field, which empties.
    const message = page.getByRole('textbox', { name: 'Message' });
    await tabTo(page, message);
    await page.keyboard.type('Yes, from 8 to 12.');
    await page.keyboard.press('Enter');
    await log.getByText('Yes, from 8 to 12.').waitFor();
    expect(await isFocused(message)).toBe(true);
    expect(await message.inputValue()).toBe('');
    await guest.getByRole('log', { name: 'Messages' }).getByText('Yes, from 8 to 12.').waitFor();

    // Tab leaves the message field (it does not type a tab), and goes round the page.
    const round = await tabCycle(page);
    expect(round).toContain('link "Skip to content"');
    expect(round).toContain('button "End chat"');

    // End chat: Enter opens the dialog with focus inside, Escape closes it and focus returns.
    const end = page.getByRole('button', { name: 'End chat' });
    await tabTo(page, end, { back: true });
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'End this chat?' });
    await dialog.waitFor();
    expect(await focused(page)).toBe('button "Cancel"');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button "End chat"');
    expect(await isFocused(dialog.getByRole('button', { name: 'End chat' }))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await isFocused(end)).toBe(true);
    // Nothing was ended, and focus still goes everywhere.
    expect(await title.count()).toBe(1);
    expect(await tabCycle(page)).toContain('textbox "Message"');
    expect(traffic.problems).toEqual([]);
  }, 90_000);
});

describe('reduced motion', () => {
  it('stops transitions, animations and smooth scrolling when the system asks', async () => {
    const probe = async (reducedMotion: 'reduce' | 'no-preference') => {
      const page = await open({ reducedMotion });
      await page.goto(`${server.url}/sign-in`);
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
      // A moving element such as a future style might add: the page's own rules must still it.
      return page.evaluate(() => {
        const dom = globalThis as unknown as {
          document: {
            body: { append(node: unknown): void };
            createElement(tag: string): { style: Record<string, string> };
            getAnimations(): unknown[];
          };
          matchMedia(query: string): { matches: boolean };
          getComputedStyle(element: unknown): Style;
        };
        const element = dom.document.createElement('div');
        element.style['transition'] = 'opacity 1s';
        element.style['animation'] = 'knock-test 1s infinite';
        element.style['scrollBehavior'] = 'smooth';
        dom.document.body.append(element);
        const style = dom.getComputedStyle(element);
        return {
          reduce: dom.matchMedia('(prefers-reduced-motion: reduce)').matches,
          transition: style.transitionDuration,
          animation: style.animationName,
          scroll: style.scrollBehavior,
        };
      });
    };
    expect(await probe('reduce')).toEqual({
      reduce: true,
      transition: '0s',
      animation: 'none',
      scroll: 'auto',
    });
    expect(await probe('no-preference')).toEqual({
      reduce: false,
      transition: '1s',
      animation: 'knock-test',
      scroll: 'smooth',
    });
  });
});
