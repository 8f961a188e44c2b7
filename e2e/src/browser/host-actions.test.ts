import type { KnockClient } from '@knock/client/knock-client';
import { nextEvent as next } from '@knock/client/testing/events';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, newPage, useChromium } from '../testing/browser.js';
import { e2eeDevice, signIn } from '../testing/devices.js';
import { createLinkInPage, joinInPage, sendInPage, signUpInPage } from '../testing/web-app.js';

// What a host does in the web app and what the other side sees: a used link tried again, revoke,
// block, end, expiry by the server's clock, a new chat by username, and a peer's key change.

const DAY = 86_400_000;
const chromium = useChromium();
let server: TestServer;
const closeLater: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
});
afterEach(async () => {
  for (const item of closeLater.splice(0).reverse()) await item.close();
  await server.close();
});

async function hostPage(): Promise<Page> {
  const { page, context } = await newPage(chromium.browser, { viewport: DESKTOP });
  closeLater.push(context);
  await signUpInPage(page, server.url, 'ana', 'Ana Lind');
  return page;
}

async function guestPage(): Promise<Page> {
  const { page, context } = await newPage(chromium.browser);
  closeLater.push(context);
  return page;
}

/** Ana's link taken by Sam; Ana has the chat open. */
async function chatWithGuest() {
  const ana = await hostPage();
  const link = await createLinkInPage(ana, { displayName: 'Ana’s Bakery', label: 'flyer' });
  const sam = await guestPage();
  await joinInPage(sam, link, 'Sam');
  await ana.getByRole('link', { name: 'Chats', exact: true }).click();
  await ana.getByRole('link', { name: /^Sam \(Guest\)/ }).click();
  await ana.getByRole('heading', { name: /Sam \(Guest\)/ }).waitFor();
  return { ana, sam, link };
}

async function expectChatGoneFromList(ana: Page): Promise<void> {
  await ana.getByRole('link', { name: /^Sam \(Guest\)/ }).waitFor({ state: 'detached' });
}

describe('the host in the web app', () => {
  it('is told when someone tries a used one-time link again, which stays refused', async () => {
    const { ana, link } = await chatWithGuest();
    const late = await guestPage();
    await late.goto(link);
    await late.getByRole('heading', { name: 'This link is not available' }).waitFor();
    expect(await late.getByRole('button', { name: 'Start chat' }).count()).toBe(0);
    await late.getByRole('button', { name: 'Let them know I tried' }).click();
    await late.getByText(/its owner will be told/).waitFor();

    await ana.getByRole('link', { name: 'Links' }).click();
    await ana
      .getByText('Someone tried to use your one-time link “flyer” again.', { exact: false })
      .waitFor();
    const flyer = ana.getByRole('listitem').filter({ hasText: 'flyer' });
    await flyer.getByText('Refused tries').waitFor();
  });

  it('revokes a link: a guest opening it finds it unavailable', async () => {
    const ana = await hostPage();
    const link = await createLinkInPage(ana, {
      displayName: 'Ana',
      label: 'website',
      reusable: true,
    });
    const item = ana.getByRole('listitem').filter({ hasText: 'website' });
    await item.getByRole('button', { name: 'Revoke' }).click();
    await item.getByText('Revoked', { exact: true }).waitFor();
    const sam = await guestPage();
    await sam.goto(link);
    await sam.getByRole('heading', { name: 'This link is not available' }).waitFor();
  });

  it('blocks a guest: the chat leaves the list and the guest is told, neutrally, that it ended', async () => {
    const { ana, sam } = await chatWithGuest();
    await ana.getByRole('button', { name: 'Block' }).click();
    await ana
      .getByRole('dialog', { name: 'Block Sam?' })
      .getByRole('button', { name: 'Block' })
      .click();
    await expectChatGoneFromList(ana);
    await sam.getByRole('heading', { name: 'This chat has ended' }).waitFor();
    expect(await sam.locator('body').innerText()).not.toMatch(/block/i);
  });

  it('sees the chat go when the guest ends it', async () => {
    const { ana, sam } = await chatWithGuest();
    await sam.getByRole('button', { name: 'End chat' }).click();
    await sam.getByRole('button', { name: 'End chat for both' }).click();
    await sam.getByRole('heading', { name: 'You ended the chat' }).waitFor();
    await expectChatGoneFromList(ana);
  });

  it('sees both sides told when the chat expires by the server’s clock', async () => {
    const { ana, sam } = await chatWithGuest();
    await sendInPage(sam, 'Hello?');
    await ana.getByRole('log', { name: 'Messages' }).getByText('Hello?').waitFor();
    server.clock.advance(10 * DAY + 1000);
    expect(await server.app.sweeper.runOnce()).toBe(1);
    await sam.getByRole('heading', { name: 'This chat has expired' }).waitFor();
    await expectChatGoneFromList(ana);
  });

  it('starts a chat with a registered user by username, and stops at their key change', async () => {
    const ana = await hostPage();
    const bob: KnockClient = e2eeDevice(server.url);
    closeLater.push(bob);
    await signIn(bob, 'bob', 'Bob Stone');
    await bob.connect();

    await ana.getByRole('link', { name: 'New chat' }).click();
    await ana.getByLabel('Username').fill('bob');
    await ana.getByRole('button', { name: 'Start chat' }).click();
    await ana.getByRole('heading', { name: 'Bob Stone' }).waitFor();
    const toBob = next(bob, 'message');
    await sendInPage(ana, 'Lunch tomorrow?');
    const { chatId } = await toBob;

    // Bob moves to a new device: Ana's chat stops until she compared the new safety number.
    await bob.close();
    const bobAgain: KnockClient = e2eeDevice(server.url);
    closeLater.push(bobAgain);
    await bobAgain.login('bob', 'correct horse battery staple');
    await bobAgain.publishKeys({ takeOver: true });
    await bobAgain.connect();
    await ana.getByRole('heading', { name: 'Bob Stone’s security key changed' }).waitFor();
    expect(await ana.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    await bobAgain.sendText(chatId, 'New phone, same Bob.');
    await ana.getByRole('button', { name: 'Show the new safety number' }).click();
    await ana.getByRole('button', { name: 'I compared it: continue' }).click();
    await ana.getByRole('log', { name: 'Messages' }).getByText('New phone, same Bob.').waitFor();
    expect(await ana.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(false);
  });
});
