import { joinGuestLink } from '@knock/client/guest-join';
import type { KnockClient } from '@knock/client/knock-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { MemoryStore } from '@knock/client/memory-store';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { normaliseGuestName } from '@knock/protocol/guest-name';
import { FORBIDDEN_IN_NAMES, normaliseDisplayName } from '@knock/protocol/names';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, useChromium } from '../testing/browser.js';
import { PASSWORD, e2eeDevice, signIn } from '../testing/devices.js';
import { createLinkInPage, joinInPage, signUpInPage } from '../testing/web-app.js';
import { SENTINEL, XSS_VECTORS } from '../testing/xss-vectors.js';
import {
  injectedMarkup,
  renderedTexts,
  watchContext,
  type PageGlobals,
  type PageNode,
  type XssWatch,
} from '../testing/xss-watch.js';

// T34 (and T32's hostile names): hundreds of XSS vectors as messages, guest names, link names and
// link labels, shown on both sides in Chromium, the host in the web app and the guest on the guest
// page, each in its own browser context with a sentinel, a CSP-violation listener, a dialog trap
// and a request recorder installed before any page script. Nothing may run, load, navigate or
// report, and every place a vector shows must hold it as text alone.

/** Claims, challenges and bundle fetches from one IP well beyond what a person makes. */
const SERVER_ENV = {
  ...CHEAP_PROOF_ENV,
  KNOCK_LIMIT_INVITE_FETCHES_PER_IP_MINUTE: '100000',
  KNOCK_LIMIT_CHALLENGES_PER_IP_MINUTE: '100000',
  KNOCK_LIMIT_CLAIMS_PER_IP_MINUTE: '100000',
  KNOCK_LIMIT_CLAIMS_PER_INVITE_MINUTE: '100000',
  KNOCK_LIMIT_CLAIMS_PER_HOST_HOUR: '100000',
};

/** The vectors as messages go to this many guest chats, so that no log grows too long to be quick. */
const MESSAGE_CHATS = 4;
/** Hostile guest names, link names and labels checked (T34 asks for at least 40). */
const NAMES = 44;
/** Of the hostile link names, those opened on the guest page (a page load each). */
const WELCOMES = 12;
/** Links named in the web app's own form, each joined on the guest page. */
const FORM_LINKS = 4;

const chromium = useChromium();

interface Side {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly watch: XssWatch;
}

/** A browser context armed with the XSS watch before its first page opens. */
async function side(
  server: TestServer,
  viewport: { width: number; height: number },
): Promise<Side> {
  const context = await chromium.browser.newContext({ viewport, locale: 'en-GB' });
  const watch = await watchContext(context, server.url);
  const page = await context.newPage();
  return { context, page, watch };
}

/** Nothing ran, loaded, navigated or reported, and no page holds markup a vector made. */
async function expectClean(...sides: Side[]): Promise<void> {
  for (const { page, watch } of sides) {
    for (const open of page.context().pages()) expect(await injectedMarkup(open)).toEqual([]);
    expect(watch.findings()).toEqual([]);
  }
}

/** `count` items spread evenly over `items`, first and last included. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!,
  );
}

function chunks<T>(items: readonly T[], count: number): T[][] {
  const size = Math.ceil(items.length / count);
  return Array.from({ length: count }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** What a bubble shows for `text` typed in the composer: line breaks as LF (the textarea), trimmed. */
function shownMessage(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/** Messages typed ahead of the page (a fast typist): the page handles them in order. */
const TYPED_AHEAD = 25;

/**
 * Types each text into the focused composer and presses Enter, as real key events (CDP input, as
 * Playwright's keyboard sends them), TYPED_AHEAD at a time without waiting for each to be handled:
 * the page takes them in order, so each text is typed and sent before the next is typed.
 */
async function sendAll(page: Page, texts: readonly string[]): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.focus();
  const keys = await page.context().newCDPSession(page);
  const enter = {
    key: 'Enter',
    code: 'Enter',
    windowsVirtualKeyCode: 13,
    nativeVirtualKeyCode: 13,
  };
  try {
    for (let start = 0; start < texts.length; start += TYPED_AHEAD) {
      const batch = texts.slice(start, start + TYPED_AHEAD);
      const typed: Promise<unknown>[] = [];
      for (const text of batch) {
        typed.push(keys.send('Input.insertText', { text }));
        typed.push(keys.send('Input.dispatchKeyEvent', { type: 'keyDown', text: '\r', ...enter }));
        typed.push(keys.send('Input.dispatchKeyEvent', { type: 'keyUp', ...enter }));
      }
      await Promise.all(typed);
      // A vector that took the focus would swallow the ones after it: say which batch did.
      expect(
        await box.evaluate(
          (node) => node === (globalThis as unknown as PageGlobals).document.activeElement,
        ),
        `the composer lost the focus in ${JSON.stringify(batch)}`,
      ).toBe(true);
    }
  } finally {
    await keys.detach();
  }
}

/** The peer-name element of the web app: a text-only <bdi>, then the badge, then the notice. */
interface PeerNameDom {
  readonly parts: string[];
  readonly name: string;
  readonly nameElements: number;
  readonly text: string;
}

function peerNames(locator: Locator): Promise<PeerNameDom[]> {
  return locator.evaluateAll((nodes: PageNode[]) =>
    nodes.map((node) => {
      const bdi = node.querySelector('bdi');
      return {
        parts: Array.from(node.childNodes, (child) =>
          child.nodeType === 1 ? `${child.localName}.${child.className}` : `#${child.nodeName}`,
        ),
        name: bdi?.textContent ?? '',
        nameElements: bdi?.childElementCount ?? -1,
        text: node.textContent ?? '',
      };
    }),
  );
}

function guestPeerName(name: string): PeerNameDom {
  return {
    parts: ['bdi.', 'span.guest-badge', 'span.muted peer-notice'],
    name,
    nameElements: 0,
    text: `${name} (Guest) · Not registered`,
  };
}

/** One element's text and child-element count, once it exists. */
async function textOf(locator: Locator): Promise<{ text: string; elements: number }> {
  await locator.waitFor();
  const [shown] = await renderedTexts(locator);
  return shown!;
}

describe('T34: every vector as a message, both ways, in Chromium', () => {
  let server: TestServer;
  let host: Side;
  let link: string;

  beforeAll(async () => {
    server = await startTestServer({ env: SERVER_ENV });
    host = await side(server, DESKTOP);
    await signUpInPage(host.page, server.url, 'ana', 'Ana Lind');
    link = await createLinkInPage(host.page, { displayName: 'Ana’s Bakery', reusable: true });
    await host.page.getByRole('link', { name: 'Chats', exact: true }).click();
  });
  afterAll(async () => {
    await expectClean(host);
    await host.context.close();
    await server.close();
  });

  it(`has at least 500 distinct vectors, each calling ${SENTINEL} or loading from elsewhere`, () => {
    expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(500);
    expect(new Set(XSS_VECTORS.map((v) => v.text)).size).toBe(XSS_VECTORS.length);
    expect(XSS_VECTORS.map((v) => v.id)).toEqual(XSS_VECTORS.map((_, i) => i));
    for (const { id, text } of XSS_VECTORS) {
      expect(shownMessage(text).length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(4000);
      // Each names its own id where it would act: in the sentinel call, or in what it loads.
      let plain = text.normalize('NFKC');
      for (let round = 0; round < 2 && /%[0-9a-f]{2}/i.test(plain); round++) {
        plain = decodeURIComponent(plain);
      }
      plain = plain.replace(/&#(x?)([0-9a-f]+);?/gi, (_, hex: string, digits: string) =>
        String.fromCodePoint(parseInt(digits, hex ? 16 : 10)),
      );
      const script = Buffer.from(`<script>${SENTINEL}(${id})</script>`).toString('base64');
      const marks = [`${SENTINEL}(${id})`, `127.0.0.2:1/${id}`, `(${id})`, `=${id}"`, script];
      expect(
        marks.some((mark) => plain.includes(mark)),
        text,
      ).toBe(true);
    }
  });

  const groups = chunks(XSS_VECTORS, MESSAGE_CHATS);
  groups.forEach((group, index) => {
    const first = group[0]!.id;
    const last = group[group.length - 1]!.id;
    it(`vectors ${first}–${last}: guest page ⇄ web app, text only on both sides`, async () => {
      const guest = await side(server, PHONE);
      try {
        const guestName = `Sam ${index + 1}`;
        await joinInPage(guest.page, link, guestName);
        const item = host.page
          .getByRole('region', { name: 'Requests' })
          .getByRole('link', { name: new RegExp(`^${guestName} \\(Guest\\)`) });
        await item.click();
        // A request takes 3 messages at most: accepting first lets the guest send them all.
        await host.page.getByRole('button', { name: 'Accept' }).click();
        await host.page.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached' });

        const texts = group.map((v) => v.text);
        await Promise.all([sendAll(guest.page, texts), sendAll(host.page, texts)]);

        const expected = texts.map((text) => ({ text: shownMessage(text), elements: 0 }));
        for (const { page } of [host, guest]) {
          const log = page.getByRole('log', { name: 'Messages' });
          const received = log.locator('.bubble:not(.bubble-own) .bubble-text');
          const own = log.locator('.bubble-own .bubble-text');
          await received.nth(texts.length - 1).waitFor({ timeout: 60_000 });
          expect(await renderedTexts(received)).toEqual(expected);
          expect(await renderedTexts(own)).toEqual(expected);
        }
        await expectClean(host, guest);
      } finally {
        await guest.context.close();
      }
    }, 120_000);
  });
});

describe('T32/T34: hostile names in Chromium', () => {
  let server: TestServer;
  const clients: KnockClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: SERVER_ENV });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) await client.close();
    await server.close();
  });

  it('sees a vector that runs, loads, reports or opens a dialog (the watch itself)', async () => {
    const probe = await side(server, PHONE);
    await probe.page.goto(`${server.url}/j`);
    await probe.page.getByRole('heading', { level: 1 }).waitFor();
    expect(await injectedMarkup(probe.page)).toEqual([]);
    expect(probe.watch.findings()).toEqual([]);
    // What a view that rendered markup would do: the CSP blocks the handler and the image from
    // elsewhere and reports both, and the markup is there to see.
    await probe.page.evaluate((sentinel) => {
      (globalThis as unknown as PageGlobals).document
        .getElementById('app')!
        .insertAdjacentHTML(
          'beforeend',
          `<img src=x onerror=${sentinel}(-10)><img src=http://127.0.0.2:1/control.png>`,
        );
    }, SENTINEL);
    // What script that did run would do.
    await probe.page.evaluate((sentinel) => {
      (globalThis as unknown as Record<string, (id: number) => void>)[sentinel]!(-11);
      const page = globalThis as unknown as PageGlobals;
      page.alert('control');
      page.open('http://127.0.0.2:1/popup');
    }, SENTINEL);
    await expect
      .poll(() => probe.watch.findings().map((finding) => finding.split(':')[0]))
      .toEqual(expect.arrayContaining(['csp', 'request', 'sentinel', 'dialog']));
    const findings = probe.watch.findings().join('\n');
    expect(findings).toContain(`sentinel: ${SENTINEL}(-11)`);
    expect(findings).toContain('dialog: alert control');
    expect(findings).toContain('csp: img-src blocked http://127.0.0.2:1/control.png');
    expect(findings).toContain('request: GET http://127.0.0.2:1/popup');
    const markup = (await injectedMarkup(probe.page)).join('\n');
    expect(markup).toContain('onerror=');
    expect(markup).toContain('127.0.0.2');
    await probe.context.close();
  });

  it('refuses guest names with bidi, invisible or control characters, on the page and in the SDK', async () => {
    const disguised = XSS_VECTORS.filter((v) =>
      // eslint-disable-next-line no-control-regex -- control characters are the point
      /[\u0000\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u.test(v.text),
    ).map((v) => v.text);
    disguised.push('Sam\u202Egnp.exe', '\u2067Sam\u2069', 'Sa\u200Bm', 'Sa\u00ADm', 'Sam\u0000');
    expect(disguised.length).toBeGreaterThan(20);
    for (const name of disguised) {
      expect(normaliseGuestName(name), JSON.stringify(name)).toEqual({
        ok: false,
        reason: 'forbidden_character',
      });
    }

    const ana = e2eeDevice(server.url);
    clients.push(ana);
    await signIn(ana, 'ana', 'Ana Lind');
    await ana.connect();
    const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery', reusable: true });
    await expect(joinAsGuest(url, '\u202E<img src=x onerror=knockXss(-1)>')).rejects.toMatchObject({
      code: 'invalid_display_name',
    });

    // The guest page says so, claims nothing, and shows the name nowhere as markup.
    const guest = await side(server, PHONE);
    await guest.page.goto(url);
    await guest.page.getByLabel('I accept the terms').check();
    await guest.page.getByLabel('Your name').fill(`\u202E<svg onload=${SENTINEL}(-2)>`);
    await guest.page.getByRole('button', { name: 'Start chat' }).click();
    await guest.page.getByText('That name holds characters that could disguise it.').waitFor();
    expect((await ana.invites.list())[0]).toMatchObject({ uses: 0 });
    await expectClean(guest);
    await guest.context.close();
  });

  it(`shows ${NAMES} hostile guest names as text, with the (Guest) badge outside the name`, async () => {
    const names = spread(
      XSS_VECTORS.flatMap((v) => {
        const checked = normaliseGuestName(v.text, { hostNames: ['Ana’s Bakery'] });
        return checked.ok ? [{ text: v.text, name: checked.name }] : [];
      }),
      NAMES,
    );
    expect(names.length).toBe(NAMES);

    const host = await side(server, DESKTOP);
    await signUpInPage(host.page, server.url, 'bea', 'Bea Berg');
    const link = await createLinkInPage(host.page, {
      displayName: 'Ana’s Bakery',
      reusable: true,
    });
    await host.page.getByRole('link', { name: 'Chats', exact: true }).click();

    // The guests join through the SDK (quicker than a page each); the host's page opens each
    // one's first message, which carries the name.
    for (const batch of chunks(names, 4)) {
      await Promise.all(batch.map(({ text }) => joinAsGuest(link, text)));
    }
    const requests = host.page.getByRole('region', { name: 'Requests' });
    const items = requests.locator('a.chat-item');
    await items.nth(NAMES - 1).waitFor();
    expect(await items.count()).toBe(NAMES);
    const listed = await peerNames(requests.locator('.peer-name'));
    expect(listed.map((p) => p.name).sort()).toEqual(names.map((n) => n.name).sort());
    for (const shown of listed) expect(shown).toEqual(guestPeerName(shown.name));

    // Each conversation's header says the same.
    const heading = host.page.locator('#conversation-title .peer-name');
    for (const [index, shown] of listed.entries()) {
      await items.nth(index).click();
      await expect
        .poll(async () => (await peerNames(heading))[0]?.name, { timeout: 10_000 })
        .toBe(shown.name);
      expect(await peerNames(heading)).toEqual([guestPeerName(shown.name)]);
    }
    await expectClean(host);
    await host.context.close();
  }, 120_000);

  it(`shows ${NAMES} hostile link names and labels on the Links screen, and on welcome screens, as text`, async () => {
    const displayNames = spread(
      XSS_VECTORS.filter((v) => v.text.length <= 64 && normaliseDisplayName(v.text) !== undefined),
      NAMES,
    ).map((v) => normaliseDisplayName(v.text)!);
    // The server takes labels of up to 64 characters without controls or direction marks, and
    // normalises them as it does names.
    const labels = spread(
      XSS_VECTORS.filter((v) => v.text.length <= 64 && !FORBIDDEN_IN_NAMES.test(v.text)),
      NAMES + 7,
    )
      .slice(7)
      .map((v) => v.text);
    expect(displayNames.length).toBe(NAMES);

    // Links made through the SDK: a hostile name for guests and a hostile label for the host.
    const cy = e2eeDevice(server.url);
    clients.push(cy);
    await signIn(cy, 'cyd', 'Cy Dahl');
    await cy.connect();
    const urls: string[] = [];
    for (const [index, displayName] of displayNames.entries()) {
      const { url } = await cy.invites.create({ displayName, label: labels[index]! });
      urls.push(url);
    }

    // A sample of the links' welcome screens name the host as text, in the heading and the title.
    const guest = await side(server, PHONE);
    for (const index of spread([...urls.keys()], WELCOMES)) {
      const page = await guest.context.newPage();
      await page.goto(urls[index]!);
      const heading = page.getByRole('heading', { level: 1 });
      const welcome = `${displayNames[index]!} invited you to chat`;
      await expect.poll(async () => (await textOf(heading)).text).toBe(welcome);
      expect(await textOf(heading)).toEqual({ text: welcome, elements: 0 });
      expect(await page.title()).toBe(welcome);
      await page.close();
    }
    await expectClean(guest);
    await guest.context.close();

    // The Links screen of the web app lists every label and name as text.
    const host = await side(server, DESKTOP);
    await signInInPage(host.page, server.url, 'cyd');
    await host.page.getByRole('link', { name: 'Links' }).click();
    const items = host.page.locator('li.link-item');
    await items.nth(NAMES - 1).waitFor();
    const shown = await items.evaluateAll((nodes: PageNode[]) =>
      nodes.map((node) => {
        const [title, name] = Array.from(node.querySelectorAll('bdi'));
        return {
          title: title?.textContent ?? '',
          titleElements: title?.childElementCount ?? -1,
          titleIsHeading: title?.parentElement?.localName === 'h3',
          name: name?.textContent ?? '',
          nameElements: name?.childElementCount ?? -1,
        };
      }),
    );
    const expected = displayNames.map((name, index) => ({
      title: normaliseDisplayName(labels[index]!)!,
      titleElements: 0,
      titleIsHeading: true,
      name,
      nameElements: 0,
    }));
    const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
    expect(shown.sort(byTitle)).toEqual(expected.sort(byTitle));
    await expectClean(host);
    await host.context.close();
  }, 120_000);

  it(`shows ${FORM_LINKS} hostile link names typed in the web app on the welcome and chat screens as text`, async () => {
    const typed = spread(
      XSS_VECTORS.filter((v) => v.text.length <= 64 && normaliseDisplayName(v.text) !== undefined),
      NAMES + 1,
    )
      .slice(1)
      .filter((_, index) => index % Math.floor(NAMES / FORM_LINKS) === 0)
      .slice(0, FORM_LINKS)
      .map((v) => v.text);
    expect(typed.length).toBe(FORM_LINKS);
    const host = await side(server, DESKTOP);
    // The account's own display name is hostile too: the header shows it, and it is the name a
    // new link starts with.
    const own = `<img src=x onerror=${SENTINEL}(-3)>`;
    await signUpInPage(host.page, server.url, 'dee', own);
    expect(await textOf(host.page.locator('.signed-in-as bdi'))).toEqual({
      text: own,
      elements: 0,
    });
    for (const [index, name] of typed.entries()) {
      const displayName = normaliseDisplayName(name)!;
      const url = await createAnotherLink(host.page, name);
      const guest = await side(server, PHONE);
      await guest.page.goto(url);
      const welcome = `${displayName} invited you to chat`;
      expect(await textOf(guest.page.getByRole('heading', { level: 1 }))).toEqual({
        text: welcome,
        elements: 0,
      });
      await joinInPage(guest.page, url, `Sam ${index + 1}`);
      expect(await textOf(guest.page.locator('.chat-header h1'))).toEqual({
        text: displayName,
        elements: 0,
      });
      expect(await guest.page.title()).toBe(`Chat with ${displayName}`);
      await expectClean(guest);
      await guest.context.close();
    }
    // And the Links screen shows each as the link's title (its label) and as the name guests see.
    const items = host.page.locator('li.link-item');
    await items.nth(FORM_LINKS - 1).waitFor();
    const titles = await renderedTexts(items.locator('h3 > bdi'));
    const names = await renderedTexts(items.locator('p bdi'));
    const expected = typed.map((name) => ({ text: normaliseDisplayName(name)!, elements: 0 }));
    const byText = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text);
    expect(titles.sort(byText)).toEqual([...expected].sort(byText));
    expect(names.sort(byText)).toEqual([...expected].sort(byText));
    await expectClean(host);
    await host.context.close();
  }, 120_000);

  async function joinAsGuest(link: string, name: string) {
    const joined = await joinGuestLink({
      link,
      name,
      socketFactory: createNodeSocketFactory(),
      e2ee: { crypto: webCryptoBackend, keys: new MemoryKeyStore(), extractable: false },
      store: new MemoryStore(),
    });
    clients.push(joined.client);
    return joined;
  }
});

/**
 * Creates a one-time link named `name` (and labelled so) on the Links screen and returns its URL,
 * once the "Your link is ready" box shows the new link rather than the one made before it.
 */
async function createAnotherLink(page: Page, name: string): Promise<string> {
  const ready = page.locator('section', { hasText: 'Your link is ready' }).getByRole('textbox');
  const before = (await ready.count()) > 0 ? await ready.inputValue() : undefined;
  const url = await createLinkInPage(page, { displayName: name, label: name });
  if (url !== before) return url;
  await expect.poll(() => ready.inputValue()).not.toBe(before);
  return ready.inputValue();
}

/** Signs in through the web app's own form and waits for the chat list. */
async function signInInPage(page: Page, serverUrl: string, username: string): Promise<void> {
  await page.goto(`${serverUrl}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Chats' }).waitFor();
}
