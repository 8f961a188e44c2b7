import { readFile } from 'node:fs/promises';
import type { KnockClient } from '@knock/client/knock-client';
import { nextEvent as next } from '@knock/client/testing/events';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eeDevice, signIn } from '../testing/devices.js';
import { newPage, useChromium, recordTraffic } from '../testing/browser.js';

// The guest page in Chromium against a real server, with the host on the SDK: open a link, start
// the chat, write both ways with ticks, reload, end. Selected by role and label, as people use it.

const chromium = useChromium();
let server: TestServer;
const clients: KnockClient[] = [];

beforeEach(async () => {
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server.close();
});

async function host(): Promise<KnockClient> {
  const client = e2eeDevice(server.url);
  clients.push(client);
  await signIn(client, 'ana', 'Ana Lind');
  await client.connect();
  return client;
}

describe('the guest page', () => {
  it('starts a chat from a link, writes both ways with ticks, survives a reload, and ends', async () => {
    const ana = await host();
    const { url } = await ana.invites.create({ displayName: 'Ana’s Bakery' });
    const fragment = url.slice(url.indexOf('#') + 1);
    const { page, context } = await newPage(chromium.browser);
    const traffic = recordTraffic(page);

    await page.goto(url);
    await page.getByRole('heading', { name: 'Ana’s Bakery invited you to chat' }).waitFor();
    // The secret leaves the address bar at once.
    expect(page.url()).toBe(`${server.url}/j`);
    const start = page.getByRole('button', { name: 'Start chat' });
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel('Your name').fill('Sam Doe');
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel('I accept the terms').check();
    expect(await page.getByText('You will appear as Sam Doe (Guest).').count()).toBe(1);

    const joined = next(ana, 'guestJoined');
    await start.click();
    const { chat, name } = await joined;
    expect(name).toBe('Sam Doe');
    await page.getByRole('heading', { name: 'Ana’s Bakery' }).waitFor();
    await page.getByText(/You are chatting as a guest · expires in 10 days/).waitFor();

    const toAna = next(ana, 'message');
    await page.getByRole('textbox', { name: 'Message' }).fill('Is the shop open on Sunday?');
    await page.getByRole('button', { name: 'Send' }).click();
    expect((await toAna).text).toBe('Is the shop open on Sunday?');
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Is the shop open on Sunday?').waitFor();

    await ana.sendText(chat.id, 'Yes, 9 to 12.');
    await log.getByText('Yes, 9 to 12.').waitFor();
    // The host replied, so the guest's message shows as read once Ana's client marks it so.
    ana.markRead(chat.id, (await ana.getChat(chat.id)).lastSeq);
    await log.locator('[data-status="read"]').waitFor();

    // A reload finds the same chat and its history in this browser.
    await page.reload();
    await page.getByRole('heading', { name: 'Ana’s Bakery' }).waitFor();
    await log.getByText('Is the shop open on Sunday?').waitFor();
    await log.getByText('Yes, 9 to 12.').waitFor();

    // "Save transcript" makes a text file on the device with both sides of the chat.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save transcript' }).click();
    const transcript = await readFile((await (await downloading).path()) ?? '', 'utf8');
    expect(transcript).toContain('Chat with Ana’s Bakery');
    expect(transcript).toMatch(/Sam Doe \(You\):\nIs the shop open on Sunday\?/);
    expect(transcript).toMatch(/Ana’s Bakery:\nYes, 9 to 12\./);

    // End chat asks first, then deletes it everywhere.
    const closed = next(ana, 'chatClosed');
    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('dialog', { name: 'End this chat?' }).waitFor();
    await page.getByRole('button', { name: 'End chat for both' }).click();
    expect((await closed).reason).toBe('ended');
    await page.getByRole('heading', { name: 'You ended the chat' }).waitFor();

    // T2: the link secret never left the browser, in any request, header, body or frame.
    const [, secret] = fragment.split('.');
    expect(secret && secret.length > 20).toBe(true);
    for (const sent of traffic.sent) {
      expect(sent).not.toContain(fragment);
      expect(sent).not.toContain(secret);
    }
    expect(traffic.problems).toEqual([]);
    await context.close();
  });
});
