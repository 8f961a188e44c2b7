import type { KnockClient } from '@knock/client/knock-client';
import { joinGuestLink } from '@knock/client/guest-join';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { MemoryStore } from '@knock/client/memory-store';
import { nextEvent as next } from '@knock/client/testing/events';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eeDevice, signIn } from '../../../e2e/src/testing/devices.js';
import {
  startGuestTestServer,
  type GuestTestServer,
} from '../../../e2e/src/testing/guest-server.js';
import { ChatListModel } from './chat-list-model.js';
import { LinksModel } from './links-model.js';

// The web app's chat list and Links models in Node, over a real client and server: what the
// screens show is exactly these signals.

let server: GuestTestServer;
const clients: KnockClient[] = [];
const disposers: { dispose(): void }[] = [];

beforeEach(async () => {
  server = await startGuestTestServer();
});
afterEach(async () => {
  for (const model of disposers.splice(0)) model.dispose();
  for (const client of clients.splice(0)) await client.close();
  await server.close();
});

async function user(name: string): Promise<KnockClient> {
  const client = e2eeDevice(server.url);
  clients.push(client);
  await signIn(client, name.toLowerCase(), name);
  await client.connect();
  return client;
}

async function guest(url: string, name: string) {
  const joined = await joinGuestLink({
    link: url,
    name,
    socketFactory: createNodeSocketFactory(),
    e2ee: { crypto: webCryptoBackend, keys: new MemoryKeyStore(), extractable: false },
    store: new MemoryStore(),
    backoff: { baseMs: 5, capMs: 50 },
    ackDelayMs: 0,
  });
  clients.push(joined.client);
  await joined.client.connect();
  return joined;
}

function models(client: KnockClient) {
  const chats = new ChatListModel(client);
  const links = new LinksModel(client);
  disposers.push(chats, links);
  return { chats, links };
}

/** Polls a condition on the model until it holds (signals change as events arrive). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('the web app’s chat list', () => {
  it('puts a new guest under Requests, counts unread, and moves it on accept', async () => {
    const ana = await user('Ana');
    const { chats, links } = models(ana);
    await chats.load();
    await links.create({ displayName: 'Ana’s Bakery', label: 'flyer' });
    const url = links.created.value?.url ?? '';
    const joined = next(ana, 'guestJoined');
    const sam = await guest(url, 'Sam');
    const { chat } = await joined;
    await until(() => chats.requests.value.length === 1);
    expect(chats.nameOf(chats.requests.value[0]!)).toBe('Sam');

    await sam.client.sendText(chat.id, 'Open on Sunday?');
    await until(() => chats.get(chat.id)?.unreadCount === 1);
    chats.opened(chat.id);
    expect(chats.get(chat.id)?.unreadCount).toBe(0);
    await sam.client.sendText(chat.id, 'Hello?');
    await next(ana, 'message', (m) => m.text === 'Hello?');
    expect(chats.get(chat.id)?.unreadCount).toBe(0); // it is on screen

    await ana.acceptRequest(chat.id);
    await chats.refresh(chat.id);
    expect(chats.requests.value).toEqual([]);
    expect(chats.others.value.map((c) => c.id)).toEqual([chat.id]);
  });

  it('drops a chat that closed and never brings it back from a late summary', async () => {
    const ana = await user('Ana');
    const { chats, links } = models(ana);
    await chats.load();
    await links.create({ displayName: 'Ana' });
    const joined = next(ana, 'guestJoined');
    await guest(links.created.value?.url ?? '', 'Sam');
    const { chat } = await joined;
    await until(() => chats.get(chat.id) !== undefined);
    const closed = next(ana, 'chatClosed');
    await ana.blockGuest(chat.id);
    chats.forget(chat.id);
    await closed;
    expect(chats.get(chat.id)).toBeUndefined();
    // A summary of the chat that was already on its way arrives after the close.
    await chats.refresh(chat.id);
    await chats.load();
    expect(chats.get(chat.id)).toBeUndefined();
  });

  it('lists a chat with a registered user by last activity, and tells why one expired', async () => {
    const ana = await user('Ana');
    const bob = await user('Bob');
    const { chats } = models(ana);
    await chats.load();
    const chat = await bob.startChat('ana');
    const arrived = next(ana, 'message');
    await bob.sendText(chat.id, 'Lunch?');
    await arrived;
    await until(() => chats.get(chat.id)?.unreadCount === 1);
    expect(chats.nameOf(chats.get(chat.id)!)).toBe('Bob');

    server.advance(10 * 86_400_000 + 1000);
    const closed = next(ana, 'chatClosed');
    expect(await server.sweep()).toBe(1);
    await closed;
    expect(chats.get(chat.id)).toBeUndefined();
    expect(chats.lastClosed.value).toEqual({ name: 'Bob', reason: 'expired' });
  });
});

describe('the web app’s Links', () => {
  it('creates, gives a link again, hears of a second claim, and revokes one or all', async () => {
    const ana = await user('Ana');
    const { links } = models(ana);
    await links.create({ displayName: 'Ana', label: 'flyer' });
    const first = links.created.value!;
    expect(await links.urlOf(first.invite.id)).toBe(first.url);
    server.advance(1000);
    await links.create({ displayName: 'Ana', label: 'website', reusable: true, maxUses: 5 });
    expect(links.invites.value.map((i) => i.label)).toEqual(['website', 'flyer']);

    await guest(first.url, 'Sam');
    const notice = next(ana, 'inviteNotice');
    await expect(guest(first.url, 'Eve')).rejects.toMatchObject({ code: 'invite_not_found' });
    await notice;
    await until(() => links.notices.value.length === 1);
    expect(links.notices.value[0]).toMatchObject({
      inviteId: first.invite.id,
      notice: 'used_twice',
    });
    await until(() => links.invites.value.find((i) => i.label === 'flyer')?.refusedClaims === 1);

    const website = links.invites.value.find((i) => i.label === 'website')!;
    await links.revoke(website.id);
    expect(links.invites.value.find((i) => i.id === website.id)?.state).toBe('revoked');
    await links.create({ displayName: 'Ana', label: 'qr' });
    expect(await links.revokeAll()).toBe(1);
    expect(links.created.value).toBeUndefined();
    expect(links.invites.value.every((i) => i.state !== 'open')).toBe(true);
  });
});
