import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, newPage, useChromium, recordTraffic } from '../testing/browser.js';
import { createLinkInPage, joinInPage, sendInPage, signUpInPage } from '../testing/web-app.js';

// Both sides in Chromium: the host in the web app, the guest on the guest page, each in its own
// browser context, against a real server.

const chromium = useChromium();
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
});
afterEach(async () => {
  await server.close();
});

describe('host in the web app, guest on the guest page', () => {
  it('creates a link, lets a guest start a chat, shows labels and ticks both ways, accepts', async () => {
    const host = await newPage(chromium.browser, { viewport: DESKTOP });
    const hostTraffic = recordTraffic(host.page);
    await signUpInPage(host.page, server.url, 'ana', 'Ana Lind');
    const link = await createLinkInPage(host.page, { displayName: 'Ana’s Bakery', label: 'flyer' });
    expect(link).toMatch(new RegExp(`^${server.url}/j#1\\.`));

    const guest = await newPage(chromium.browser);
    const guestTraffic = recordTraffic(guest.page);
    await joinInPage(guest.page, link, 'Sam Doe');
    await sendInPage(guest.page, 'Is the shop open on Sunday?');

    // The host sees a request from "Sam Doe (Guest)", marked not registered.
    await host.page.getByRole('link', { name: 'Chats', exact: true }).click();
    const requests = host.page.getByRole('region', { name: 'Requests' });
    const item = requests.getByRole('link', { name: /Sam Doe \(Guest\) · Not registered/ });
    await item.waitFor();
    await item.click();
    await host.page.getByRole('heading', { name: /Sam Doe \(Guest\)/ }).waitFor();
    const hostLog = host.page.getByRole('log', { name: 'Messages' });
    await hostLog.getByText('Is the shop open on Sunday?').waitFor();
    await host.page.getByText(/Expires in 10 days unless someone writes/).waitFor();

    await host.page.getByRole('button', { name: 'Accept' }).click();
    await host.page.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached' });
    await sendInPage(host.page, 'Yes, 9 to 12.');

    const guestLog = guest.page.getByRole('log', { name: 'Messages' });
    await guestLog.getByText('Yes, 9 to 12.').waitFor();
    // Ticks: the guest's message was read by the host, and the host's by the guest.
    await guestLog.locator('[data-status="read"]').waitFor();
    await hostLog.locator('[data-status="read"]').waitFor();
    await guest.page.getByRole('heading', { name: 'Ana’s Bakery' }).waitFor();

    // The Links screen counts the chat the link started.
    await host.page.getByRole('link', { name: 'Links' }).click();
    const flyer = host.page.getByRole('listitem').filter({ hasText: 'flyer' });
    await flyer.getByText('Used', { exact: true }).waitFor();

    expect(hostTraffic.problems).toEqual([]);
    expect(guestTraffic.problems).toEqual([]);
    await host.context.close();
    await guest.context.close();
  });
});
