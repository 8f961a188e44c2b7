import type { ReadonlySignal } from '@preact/signals';
import { MemoryHistory } from '@knock/client/history';
import type { KnockClient } from '@knock/client/knock-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { MemoryStore } from '@knock/client/memory-store';
import { solveClaimChallenge } from '@knock/client/proof-of-work';
import { nextEvent as next } from '@knock/client/testing/events';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { decodeLinkFragment, encodeLinkFragment } from '@knock/crypto/guest-link';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eeDevice, signIn } from '../../../e2e/src/testing/devices.js';
import {
  startGuestTestServer,
  type GuestTestServer,
} from '../../../e2e/src/testing/guest-server.js';
import { MisbehavingServer } from '../../../e2e/src/testing/misbehaving-server.js';
import { swapHostKey } from '../../../e2e/src/testing/swapped-bundle.js';
import type { ChatStorage, GuestPlatform } from './guest-platform.js';
import { GuestModel, type GuestScreen } from './guest-model.js';
import { StoredGuests, type KeyValueStorage, type SavedGuest } from './saved-guests.js';

// The guest page's model in Node against a real server, with the host on the SDK: the screens a
// guest sees and the moves between them, on the same platform seam the browser implements
// (memory stores instead of IndexedDB, `ws` instead of WebSocket, the proof on this thread).

const DAY_MS = 86_400_000;
const TTL_MS = 10 * DAY_MS;

let server: GuestTestServer;
const clients: KnockClient[] = [];
const proxies: MisbehavingServer[] = [];
const models: GuestModel[] = [];

beforeEach(async () => {
  server = await startGuestTestServer();
});
afterEach(async () => {
  for (const model of models.splice(0)) {
    const screen = model.screen.value;
    if (screen.kind === 'chat') await screen.session.close();
  }
  for (const client of clients.splice(0)) await client.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await server.close();
});

/** One browser profile: its localStorage (the saved list) and each chat's databases. */
class Browser {
  readonly chats = new Map<string, ChatStorage>();
  readonly #local = new Map<string, string>();
  readonly #localStorage: KeyValueStorage = {
    getItem: (key) => this.#local.get(key) ?? null,
    setItem: (key, value) => void this.#local.set(key, value),
  };
  readonly #deleted = new Map<string, () => void>();

  platform(origin = server.url): GuestPlatform {
    return {
      origin,
      crypto: webCryptoBackend,
      socketFactory: createNodeSocketFactory(),
      solve: solveClaimChallenge,
      saved: new StoredGuests(this.#localStorage),
      openStorage: (localId) => {
        let storage = this.chats.get(localId);
        if (!storage) {
          const [store, keys, history] = [
            new MemoryStore(),
            new MemoryKeyStore(),
            new MemoryHistory(),
          ];
          storage = { store, keys, history, extractable: false };
          this.chats.set(localId, storage);
        }
        return Promise.resolve(storage);
      },
      deleteStorage: (localId) => {
        this.chats.delete(localId);
        this.#deleted.get(localId)?.();
        return Promise.resolve();
      },
      now: () => server.now(),
      // The network as the page sees it: down when the test says so.
      fetch: (url, init) =>
        this.offline ? Promise.reject(new TypeError('Failed to fetch')) : fetch(url, init),
      onOnline: (listener) => void this.#online.push(listener),
    };
  }

  /** The browser's network is down until `backOnline`. */
  offline = false;
  readonly #online: (() => void)[] = [];

  backOnline(): void {
    this.offline = false;
    for (const listener of this.#online.splice(0)) listener();
  }

  /** Opens the guest page: with a link's fragment, or none (a reload, or the page bookmarked). */
  async open(fragment: string | undefined, origin = server.url): Promise<GuestModel> {
    const model = new GuestModel(this.platform(origin), fragment);
    models.push(model);
    await model.start();
    return model;
  }

  /** The chats this browser keeps, as the page reads them back. */
  saved(): SavedGuest[] {
    return new StoredGuests(this.#localStorage).list();
  }

  /** Resolves once the chat's storage is deleted from this browser. */
  deleted(localId: string): Promise<void> {
    if (!this.chats.has(localId)) return Promise.resolve();
    return new Promise((resolve) => this.#deleted.set(localId, resolve));
  }
}

/** Resolves with the signal's value once it passes the test (at once if it already does). */
function until<T>(source: ReadonlySignal<T>, test: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    const stop = source.subscribe((value) => {
      if (done || !test(value)) return;
      done = true;
      queueMicrotask(() => stop());
      resolve(value);
    });
  });
}

type Screen<K extends GuestScreen['kind']> = Extract<GuestScreen, { kind: K }>;

async function reach<K extends GuestScreen['kind']>(model: GuestModel, kind: K) {
  return (await until(model.screen, (s) => s.kind === kind)) as Screen<K>;
}

function screenOf<K extends GuestScreen['kind']>(model: GuestModel, kind: K): Screen<K> {
  const screen = model.screen.value;
  expect(screen.kind).toBe(kind);
  return screen as Screen<K>;
}

const texts = (model: GuestModel) =>
  screenOf(model, 'chat').session.conversation.messages.value.map((m) => m.text);

async function host(): Promise<KnockClient> {
  const client = e2eeDevice(server.url);
  clients.push(client);
  await signIn(client, 'ana', 'Ana Lind');
  await client.connect();
  return client;
}

async function link(ana: KnockClient, options: { expiresAt?: number } = {}) {
  const { url, invite } = await ana.invites.create({ displayName: 'Ana’s Bakery', ...options });
  return { fragment: url.slice(url.indexOf('#') + 1), invite };
}

async function invite(ana: KnockClient, id: string) {
  return (await ana.invites.list()).find((i) => i.id === id);
}

/** A guest in the chat of a new one-time link of Ana's, with the socket up. */
async function joined() {
  const ana = await host();
  const { fragment } = await link(ana);
  const browser = new Browser();
  const model = await browser.open(fragment);
  const started = next(ana, 'guestJoined');
  await model.startChat('Sam');
  const { chat } = await started;
  const { session } = screenOf(model, 'chat');
  await until(session.connection, (state) => state === 'online');
  return { ana, chat, browser, model, session };
}

describe('the guest page’s model', () => {
  it('opens a link to its welcome, starts the chat, writes both ways, and finds it after a reload', async () => {
    const ana = await host();
    const { fragment, invite: created } = await link(ana);
    const browser = new Browser();
    const model = await browser.open(fragment);
    expect(screenOf(model, 'welcome').link.hostName).toBe('Ana’s Bakery');
    // Opening claims nothing (T24).
    expect(await invite(ana, created.id)).toMatchObject({ uses: 0, chats: 0, state: 'open' });

    const started = next(ana, 'guestJoined');
    await model.startChat('Sam Doe');
    const { chat, name } = await started;
    expect(name).toBe('Sam Doe');
    const { session } = screenOf(model, 'chat');
    expect(session.saved).toMatchObject({ chatId: chat.id, name: 'Sam Doe', inviteId: created.id });
    expect(browser.saved().map((s) => s.chatId)).toEqual([chat.id]);
    expect(await invite(ana, created.id)).toMatchObject({ uses: 1, chats: 1 });

    const toAna = next(ana, 'message');
    await session.conversation.send('Is the shop open on Sunday?');
    expect((await toAna).text).toBe('Is the shop open on Sunday?');
    await until(session.conversation.messages, (m) => m[0]?.seq !== undefined);
    await ana.sendText(chat.id, 'Yes, 9 to 12.');
    await until(session.conversation.messages, (m) => m.length === 2);
    expect(texts(model)).toEqual(['Is the shop open on Sunday?', 'Yes, 9 to 12.']);

    // A reload: the page goes away, a new one finds the saved chat and its history.
    await session.close();
    const reloaded = await browser.open(undefined);
    expect(texts(reloaded)).toEqual(['Is the shop open on Sunday?', 'Yes, 9 to 12.']);
    await screenOf(reloaded, 'chat').session.close();

    // The used one-time link opened again in this browser leads back to the chat too.
    const again = await browser.open(fragment);
    const resumed = screenOf(again, 'chat').session;
    expect(resumed.saved.chatId).toBe(chat.id);
    expect(texts(again)).toEqual(['Is the shop open on Sunday?', 'Yes, 9 to 12.']);
    const later = next(ana, 'message');
    await resumed.conversation.send('Thanks!');
    expect(await later).toMatchObject({ chatId: chat.id, text: 'Thanks!' });
    expect(await ana.listChats()).toHaveLength(1);
  });

  it('answers every link it cannot use with one screen, and tells the host of a used one on request', async () => {
    const ana = await host();
    const used = await link(ana);
    await (await new Browser().open(used.fragment)).startChat('Sam');
    const revoked = await link(ana);
    await ana.invites.revoke(revoked.invite.id);
    const expiring = await link(ana, { expiresAt: server.now() + 60_000 });
    const { hostFingerprint } = decodeLinkFragment(used.fragment);
    const unknown = encodeLinkFragment({
      secret: webCryptoBackend.randomBytes(32),
      hostFingerprint,
    });
    server.advance(60_000);

    const fragments = [used.fragment, revoked.fragment, expiring.fragment, unknown, 'not-a-link'];
    const opened = await Promise.all(fragments.map((f) => new Browser().open(f)));
    for (const model of opened)
      expect(model.screen.value).toEqual({ kind: 'unavailable', knocked: false });
    expect(await ana.listChats()).toHaveLength(1);

    const notice = next(ana, 'inviteNotice');
    await opened[0]!.letThemKnow();
    expect(opened[0]!.screen.value).toEqual({ kind: 'unavailable', knocked: true });
    expect(await notice).toEqual({ inviteId: used.invite.id, notice: 'used_twice' });
    // A link that names no invite has nobody to tell: the same screen, and no error.
    await opened[4]!.letThemKnow();
    expect(opened[4]!.screen.value).toEqual({ kind: 'unavailable', knocked: true });
    expect(await ana.listChats()).toHaveLength(1);
  });

  it('sends a second browser that starts a taken one-time link to the same screen, and the host hears', async () => {
    const ana = await host();
    const { fragment, invite: created } = await link(ana);
    const [first, second] = [new Browser(), new Browser()];
    const [sam, kim] = [await first.open(fragment), await second.open(fragment)];
    expect([sam.screen.value.kind, kim.screen.value.kind]).toEqual(['welcome', 'welcome']);
    await sam.startChat('Sam');
    const notice = next(ana, 'inviteNotice');
    await kim.startChat('Kim');
    expect(kim.screen.value).toEqual({ kind: 'unavailable', knocked: true });
    expect(await notice).toEqual({ inviteId: created.id, notice: 'used_twice' });
    expect([second.saved(), second.chats.size]).toEqual([[], 0]);
  });

  it('stops at a bundle whose host key was swapped, and claims nothing (T3)', async () => {
    const ana = await host();
    const { fragment, invite: created } = await link(ana);
    const proxy = await MisbehavingServer.start(server.url, { response: swapHostKey() });
    proxies.push(proxy);
    const browser = new Browser();
    const model = await browser.open(fragment, proxy.url);
    expect(model.screen.value).toEqual({ kind: 'mismatch' });
    expect(proxy.apiRequests).toEqual([
      { method: 'GET', path: `/api/invites/${created.id}/bundle` },
    ]);
    expect(await invite(ana, created.id)).toMatchObject({ uses: 0, chats: 0, refusedClaims: 0 });
    expect([browser.saved(), browser.chats.size]).toEqual([[], 0]);
    // The honest server still offers the link.
    expect((await new Browser().open(fragment)).screen.value.kind).toBe('welcome');
  });

  it('opens the link by itself once the network is back', async () => {
    const ana = await host();
    const { fragment } = await link(ana);
    const browser = new Browser();
    browser.offline = true;
    const model = await browser.open(fragment);
    expect(model.screen.value).toEqual({ kind: 'offline' });
    browser.backOnline();
    const welcome = await reach(model, 'welcome');
    expect(welcome.link.hostName).toBe('Ana’s Bakery');
  });

  it('shows a block as a plain end and forgets the chat (T30)', async () => {
    const { ana, chat, browser, model, session } = await joined();
    const gone = browser.deleted(session.saved.localId);
    await ana.blockGuest(chat.id);
    expect((await reach(model, 'closed')).how).toBe('ended');
    await gone;
    expect(browser.saved()).toEqual([]);
  });

  it('ends the chat for both when the guest ends it, and keeps nothing', async () => {
    const { ana, chat, browser, model, session } = await joined();
    const closed = next(ana, 'chatClosed');
    const gone = browser.deleted(session.saved.localId);
    await session.endChat();
    expect(screenOf(model, 'closed').how).toBe('left');
    expect(await closed).toEqual({ chatId: chat.id, reason: 'ended' });
    await gone;
    expect(browser.saved()).toEqual([]);
    expect(await ana.listChats()).toEqual([]);
  });

  it('closes the chat as expired when the server’s sweeper deletes it (T21)', async () => {
    const { browser, model, session } = await joined();
    const gone = browser.deleted(session.saved.localId);
    server.advance(TTL_MS);
    expect(await server.sweep()).toBe(1);
    expect((await reach(model, 'closed')).how).toBe('expired');
    await gone;
    expect(browser.saved()).toEqual([]);
  });

  it('finds a saved chat past its expiry expired at once, on a reload', async () => {
    const { browser, session } = await joined();
    await session.close();
    server.advance(TTL_MS);
    const gone = browser.deleted(session.saved.localId);
    const reloaded = await browser.open(undefined);
    expect((await reach(reloaded, 'closed')).how).toBe('expired');
    await gone;
    expect(browser.saved()).toEqual([]);
  });
});
