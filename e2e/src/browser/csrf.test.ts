import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, newPage, useChromium } from '../testing/browser.js';
import { createLinkInPage, signUpInPage } from '../testing/web-app.js';

// T37 in a real browser: a page on another origin of the same site (127.0.0.1, another port, so
// the SameSite=Strict cookie is sent) tries every way a page can to change something with the
// signed-in user's session. Nothing changes.

const chromium = useChromium();
let server: TestServer;
let evil: Server;
let evilUrl: string;

/** The attacking page: forms and fetches at Knock, each reporting into the page title. */
function evilPage(target: string): string {
  return `<!doctype html><html><body>
<form id="f1" method="POST" action="${target}/api/chats" enctype="text/plain" target="sink">
  <input name='{"username":"mallory","x":"' value='"}'></form>
<form id="f2" method="POST" action="${target}/api/session" target="sink">
  <input name="username" value="mallory"><input name="password" value="mallory-password"></form>
<iframe name="sink"></iframe>
<script>
(async () => {
  const results = [];
  const attempt = async (name, url, init) => {
    try {
      const r = await fetch(url, { credentials: 'include', ...init });
      results.push(name + ':' + r.status);
    } catch (e) {
      results.push(name + ':blocked');
    }
  };
  await attempt('revoke-all', '${target}/api/invites', { method: 'DELETE' });
  await attempt('revoke-all-no-cors', '${target}/api/invites', { method: 'DELETE', mode: 'no-cors' });
  await attempt('start-chat', '${target}/api/chats', {
    method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ username: 'mallory' }),
  });
  await attempt('sign-out', '${target}/api/session', { method: 'DELETE', mode: 'no-cors' });
  await attempt('get-invites', '${target}/api/invites', { mode: 'no-cors' });
  // Each form posts into the iframe; its load says the answer came.
  const sink = document.querySelector('iframe');
  for (const id of ['f1', 'f2']) {
    const loaded = new Promise((r) => sink.addEventListener('load', r, { once: true }));
    document.getElementById(id).submit();
    await loaded;
  }
  document.title = 'done ' + results.join(' ');
})();
</script></body></html>`;
}

beforeEach(async () => {
  server = await startTestServer();
  evil = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(evilPage(server.url));
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
});
afterEach(async () => {
  await new Promise((resolve) => evil.close(resolve));
  await server.close();
});

describe('cross-origin pages (T37)', () => {
  it('change nothing with a signed-in user’s cookie: no revoke, no chat, no sign-out', async () => {
    const { page, context } = await newPage(chromium.browser, { viewport: DESKTOP });
    await signUpInPage(page, server.url, 'ana', 'Ana Lind');
    await createLinkInPage(page, { displayName: 'Ana', label: 'website', reusable: true });
    // Mallory exists, so a forged "start chat" would have someone to start it with.
    const mallory = await fetch(`${server.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'mallory', password: 'mallory-password' }),
    });
    expect(mallory.status).toBe(201);

    const attacker = await context.newPage();
    await attacker.goto(evilUrl);
    await attacker.waitForFunction('document.title.startsWith("done")');
    const outcome = await attacker.title();
    // A cross-origin fetch with credentials is refused by the server or unreadable to the page.
    expect(outcome).not.toMatch(/revoke-all:20\d/);

    // Back in Knock: still signed in as Ana, the link still open, no chat with Mallory.
    await page.goto(`${server.url}/links`);
    const item = page.getByRole('listitem').filter({ hasText: 'website' });
    await item.getByText('Open', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Chats', exact: true }).click();
    await page.getByText('No chats yet. Start one, or share a link.').waitFor();
    expect(await page.getByText('Ana Lind').count()).toBeGreaterThan(0);
    await context.close();
  });
});
