import type { Page } from 'playwright-core';
import { PASSWORD } from './devices.js';

/** Signs up through the web app's own form, as a person would, and waits for the chat list. */
export async function signUpInPage(
  page: Page,
  serverUrl: string,
  username: string,
  displayName: string,
): Promise<void> {
  await page.goto(`${serverUrl}/sign-up`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('navigation', { name: 'Chats' }).waitFor();
}

/** Creates a link on the Links screen and returns its URL from the page. */
export async function createLinkInPage(
  page: Page,
  options: { displayName: string; label?: string; reusable?: boolean },
): Promise<string> {
  await page.getByRole('link', { name: 'Links' }).click();
  await page.getByRole('heading', { name: 'Links', level: 1 }).waitFor();
  if (options.reusable) await page.getByLabel('Reusable').check();
  await page.getByLabel('Name guests see').fill(options.displayName);
  if (options.label !== undefined)
    await page.getByLabel('Label (only you see it)').fill(options.label);
  const ready = page.locator('section', { hasText: 'Your link is ready' }).getByRole('textbox');
  // A second link made on the same page replaces the first: wait for the new one, not the old.
  const before = (await ready.count()) > 0 ? await ready.inputValue() : '';
  await page.getByRole('button', { name: 'Create link' }).click();
  await page.waitForFunction((previous) => {
    // Runs in the page (no eval: the CSP forbids it); typed by hand, this project has no DOM.
    const page = globalThis as unknown as {
      document: { querySelectorAll(selector: string): ArrayLike<{ value: string }> };
    };
    const fields = Array.from(page.document.querySelectorAll('input.link-url'));
    return fields.some((field) => field.value.includes('/j#') && field.value !== previous);
  }, before);
  return ready.inputValue();
}

/** A guest takes a link in its own page: accepts, names itself, starts, and waits for the chat. */
export async function joinInPage(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('I accept the terms').check();
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

/** Types and sends a message from the composer. */
export async function sendInPage(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}
