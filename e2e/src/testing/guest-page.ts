import type { KnockClient } from '@knock/client/knock-client';
import type { Locator, Page } from 'playwright-core';
import { e2eeDevice, signIn } from './devices.js';

/** A host on the SDK, signed in and online, for the guest page's suites. */
export async function sdkHost(serverUrl: string): Promise<KnockClient> {
  const client = e2eeDevice(serverUrl);
  await signIn(client, 'ana', 'Ana Lind');
  await client.connect();
  return client;
}

/** A guest link's fragment: everything after its `#`. */
export function fragmentOf(link: string): string {
  return link.slice(link.indexOf('#') + 1);
}

/** The text of the screen the guest page shows, to compare two screens word for word. */
export function screenText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

/** Whether `target` holds the keyboard focus. */
export function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === element.ownerDocument.activeElement);
}

/** Presses Tab until `target` holds the focus, as a keyboard user would; fails after `max`. */
export async function tabTo(page: Page, target: Locator, max = 15): Promise<void> {
  for (let presses = 0; presses < max; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  if (!(await isFocused(target))) throw new Error(`Tab never reached ${String(target)}`);
}
