import type { KnockClient } from '@knock/client/knock-client';
import { nextEvent as next } from '@knock/client/testing/events';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { freshSqlite, type TestDatabase } from '@knock/server/testing/databases';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newPage, useChromium, recordTraffic } from '../testing/browser.js';
import { fragmentOf, isFocused, screenText, sdkHost, tabTo } from '../testing/guest-page.js';
import { MisbehavingServer } from '../testing/misbehaving-server.js';
import { swapHostKey } from '../testing/swapped-bundle.js';
import { joinInPage, sendInPage } from '../testing/web-app.js';

// The guest page's screens in Chromium against a real server, with the host on the SDK: links it
// cannot use, a server that swaps the host's key (T3), a block (T30), expiry (T21), going offline
// and back, a reload a day later, and the whole way in by keyboard alone.

const DAY = 86_400_000;
const UNAVAILABLE = 'This link is not available';

const chromium = useChromium();
let database: TestDatabase;
let server: TestServer;
const closeLater: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  // A database of the test's own, so that a test can stop the server and start it again on it.
  database = freshSqlite();
  server = await startTestServer({ env: CHEAP_PROOF_ENV, database });
});
afterEach(async () => {
  for (const item of closeLater.splice(0).reverse()) await item.close();
  await server.close();
  await database.drop();
});

async function host(): Promise<KnockClient> {
  const client = await sdkHost(server.url);
  closeLater.push(client);
  return client;
}

/** A page in a browser context of its own: another person’s browser. */
async function guestPage(): Promise<Page> {
  const { page, context } = await newPage(chromium.browser);
  closeLater.push(context);
  return page;
}

/** Ana's new one-time link, taken by Sam in the page; Sam's first message reached Ana. */
async function chatting() {
  const ana = await host();
  const { url, invite } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
  const page = await guestPage();
  const joined = next(ana, 'guestJoined');
  await joinInPage(page, url, 'Sam');
  const { chat } = await joined;
  // A message that arrived shows the page's socket is up: the server can tell it things.
  const hello = next(ana, 'message');
  await sendInPage(page, 'Hello?');
  await hello;
  return { ana, chat, page, url, invite, log: page.getByRole('log', { name: 'Messages' }) };
}

describe('the guest page’s screens', () => {
  it('answers a used, a malformed and a revoked link with one screen, and tells the host on request', async () => {
    const { ana, url, invite } = await chatting();
    const revoked = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    await ana.invites.revoke(revoked.invite.id);
    const links = [url, `${server.url}/j#1.not-a-link`, revoked.url];
    const pages = await Promise.all(links.map(() => guestPage()));
    const texts: string[] = [];
    for (const [index, page] of pages.entries()) {
      await page.goto(links[index]!);
      await page.getByRole('heading', { name: UNAVAILABLE }).waitFor();
      expect(await page.getByRole('button', { name: 'Start chat' }).count()).toBe(0);
      texts.push(await screenText(page));
    }
    // No oracle (T23): the same words whatever the reason.
    expect(new Set(texts).size).toBe(1);

    const notice = next(ana, 'inviteNotice');
    await pages[0]!.getByRole('button', { name: 'Let them know I tried' }).click();
    await pages[0]!
      .getByRole('status')
      .getByText(/its owner will be told/)
      .waitFor();
    expect(await notice).toEqual({ inviteId: invite.id, notice: 'used_twice' });
    expect((await ana.invites.list()).find((i) => i.id === invite.id)).toMatchObject({
      uses: 1,
      refusedClaims: 1,
    });
  });

  it('refuses to start a chat when the server swapped the host’s key (T3)', async () => {
    const ana = await host();
    const { url, invite } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    const proxy = await MisbehavingServer.start(server.url, { response: swapHostKey() });
    closeLater.push(proxy);
    const page = await guestPage();
    const traffic = recordTraffic(page);

    await page.goto(`${proxy.url}/j#${fragmentOf(url)}`);
    await page.getByRole('heading', { name: 'This chat cannot be started safely' }).waitFor();
    await page
      .getByRole('alert')
      .getByText(/keys that do not match this link/)
      .waitFor();
    expect(await page.getByRole('button', { name: 'Start chat' }).count()).toBe(0);
    expect(await page.getByLabel('Your name').count()).toBe(0);
    // The page and its assets came through the misbehaving server; the one API call was the
    // bundle's, so nothing was claimed.
    expect(proxy.requests[0]).toEqual({ method: 'GET', path: '/j' });
    expect(proxy.requests.some((r) => r.path.startsWith('/j/assets/'))).toBe(true);
    expect(proxy.apiRequests).toEqual([
      { method: 'GET', path: `/api/invites/${invite.id}/bundle` },
    ]);
    expect((await ana.invites.list())[0]).toMatchObject({ uses: 0, chats: 0, refusedClaims: 0 });
    expect(traffic.problems).toEqual([]);
  });

  it('says the chat ended, and no more, when the host blocks the guest (T30)', async () => {
    const { ana, chat, page } = await chatting();
    await ana.blockGuest(chat.id);
    await page.getByRole('heading', { name: 'This chat has ended' }).waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/block/i);
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
  });

  it('says the chat expired when the server’s clock runs out and its sweeper deletes it', async () => {
    const { page } = await chatting();
    server.clock.advance(10 * DAY);
    expect(await server.app.sweeper.runOnce()).toBe(1);
    await page.getByRole('heading', { name: 'This chat has expired' }).waitFor();
    await page.getByText(/Nobody wrote for 10 days/).waitFor();
  });

  it('shows when it is offline, and sends what was typed meanwhile once the server is back', async () => {
    const { ana, page, log } = await chatting();
    const status = page.getByRole('status').filter({ hasText: 'You are offline' });
    expect(await status.count()).toBe(0);

    // The server stops; the page says so and keeps the message it is given.
    const { url } = server;
    await server.close();
    await status.waitFor();
    await sendInPage(page, 'Typed while offline');
    const bubble = log.getByRole('listitem').filter({ hasText: 'Typed while offline' });
    await bubble.locator('[data-status="pending"]').waitFor();

    // The same server comes back on the same address and data: the page reconnects by itself,
    // after its backoff, which grew while the server was down (hence the longer timeout).
    const received = next(ana, 'message', (m) => m.text === 'Typed while offline');
    server = await startTestServer({
      database,
      env: { ...CHEAP_PROOF_ENV, PORT: new URL(url).port, KNOCK_PUBLIC_URL: url },
    });
    expect(server.url).toBe(url);
    await received;
    await bubble.locator('[data-status="sent"], [data-status="delivered"]').waitFor();
    const note = page.getByRole('status').filter({ hasText: /offline|Connecting/ });
    await note.waitFor({ state: 'detached' });
  }, 60_000);

  it('comes back to the same chat and its history on a reload a day later', async () => {
    const { ana, chat, page, log } = await chatting();
    await ana.sendText(chat.id, 'Yes, 9 to 12.');
    await log.getByText('Yes, 9 to 12.').waitFor();

    server.clock.advance(DAY);
    await page.reload();
    await page.getByRole('heading', { name: 'Ana’s Bakery' }).waitFor();
    await log.getByText('Hello?').waitFor();
    await log.getByText('Yes, 9 to 12.').waitFor();
    expect(await log.getByRole('listitem').count()).toBe(2);

    await ana.sendText(chat.id, 'Still there?');
    await log.getByText('Still there?').waitFor();
    const toAna = next(ana, 'message');
    await sendInPage(page, 'Yes!');
    expect(await toAna).toMatchObject({ chatId: chat.id, text: 'Yes!' });
  });

  it('starts the chat and sends a message with the keyboard alone', async () => {
    const ana = await host();
    const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    const page = await guestPage();
    await page.goto(url);
    await page.getByRole('heading', { name: 'Ana’s Bakery invited you to chat' }).waitFor();

    const terms = page.getByLabel('I accept the terms');
    await tabTo(page, terms);
    await page.keyboard.press('Space');
    expect(await terms.isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    const name = page.getByLabel('Your name');
    expect(await isFocused(name)).toBe(true);
    await page.keyboard.type('Sam Doe');
    await page.keyboard.press('Tab');
    const start = page.getByRole('button', { name: 'Start chat' });
    expect(await isFocused(start)).toBe(true);
    const joined = next(ana, 'guestJoined');
    await page.keyboard.press('Enter');
    expect((await joined).name).toBe('Sam Doe');

    // In the chat the heading has the focus; the composer is a few Tabs away.
    await page.getByRole('heading', { name: 'Ana’s Bakery' }).waitFor();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await tabTo(page, composer);
    const toAna = next(ana, 'message');
    await page.keyboard.type('Sent from the keyboard');
    await page.keyboard.press('Enter');
    expect((await toAna).text).toBe('Sent from the keyboard');
    await page.getByRole('log', { name: 'Messages' }).getByText('Sent from the keyboard').waitFor();
    expect(await composer.inputValue()).toBe('');
  });
});
