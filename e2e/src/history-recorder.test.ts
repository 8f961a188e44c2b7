import { MemoryHistory } from '@knock/client/history';
import type { KnockClient } from '@knock/client/knock-client';
import { MemoryStore } from '@knock/client/memory-store';
import { nextEvent as next } from '@knock/client/testing/events';
import { startTestServer, type TestServer } from '@knock/server/testing/test-server';
import { ConversationModel, statusOf } from '@knock/ui/conversation-model.js';
import { HistoryRecorder } from '@knock/ui/history-recorder.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eeDevice, signIn } from './testing/devices.js';

// The browser apps' history: every message kept on the device as it comes, whether or not its
// conversation is on screen, and a conversation showing exactly that (a real server, two users).

const DAY = 86_400_000;
let server: TestServer;
const clients: KnockClient[] = [];
const disposers: { dispose(): void }[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const item of disposers.splice(0)) item.dispose();
  for (const client of clients.splice(0)) await client.close();
  await server.close();
});

async function user(name: string, store = new MemoryStore()): Promise<KnockClient> {
  const client = e2eeDevice(server.url, { store });
  clients.push(client);
  await signIn(client, name.toLowerCase(), name);
  await client.connect();
  return client;
}

function recorder(client: KnockClient, history = new MemoryHistory()): HistoryRecorder {
  const made = new HistoryRecorder(client, history);
  disposers.push(made);
  return made;
}

/** The stored entry of an own message once the server's seq reached it. */
async function settled(from: HistoryRecorder, chatId: string, text: string) {
  for (;;) {
    // Listen before looking, so that an update between the two is not missed.
    const changed = new Promise<void>((resolve) => {
      const off = from.subscribe(chatId, () => {
        off();
        resolve();
      });
    });
    const entry = (await from.history.list(chatId)).find((e) => e.text === text);
    if (entry?.seq !== undefined) return entry;
    await changed;
  }
}

describe('the history recorder', () => {
  it('keeps messages that came while no conversation was open, and shows them when one is', async () => {
    const ana = await user('Ana');
    const bob = await user('Bob');
    const anas = recorder(ana);
    const chat = await bob.startChat('ana');
    const arrived = next(ana, 'message', (m) => m.text === 'second');
    await bob.sendText(chat.id, 'first');
    await bob.sendText(chat.id, 'second');
    await arrived;
    expect((await anas.history.list(chat.id)).map((e) => e.text)).toEqual(['first', 'second']);

    const conversation = new ConversationModel(ana, anas, await ana.getChat(chat.id));
    disposers.push(conversation);
    await conversation.load();
    expect(conversation.messages.value.map((e) => [e.text, e.own])).toEqual([
      ['first', false],
      ['second', false],
    ]);
    const shown = next(bob, 'message');
    await conversation.send('  third  ');
    expect(conversation.messages.value.at(-1)).toMatchObject({ text: 'third', own: true });
    expect((await shown).text).toBe('third');
    const mine = await settled(anas, chat.id, 'third');
    expect(mine).toMatchObject({ text: 'third', own: true, seq: 3 });
    expect(statusOf(mine, 0, 0)).toBe('sent');
    expect(statusOf(mine, 3, 0)).toBe('delivered');
    expect(statusOf(mine, 3, 3)).toBe('read');
  });

  it('settles a message queued before a reload when its ack comes after it', async () => {
    const bob = await user('Bob');
    const store = new MemoryStore();
    const ana = await user('Ana', store);
    const chat = await ana.startChat('bob');
    const history = new MemoryHistory();
    await ana.disconnect();
    // Queued offline, kept pending; then "a reload": a new recorder on the same storage.
    const before = recorder(ana, history);
    await before.sendText(chat.id, 'sent while offline');
    expect(await history.list(chat.id)).toMatchObject([{ text: 'sent while offline' }]);
    expect((await history.list(chat.id))[0]?.seq).toBeUndefined();
    before.dispose();
    await ana.close();
    const again = e2eeDevice(server.url, { store, token: ana.http.token ?? '' });
    clients.push(again);
    recorder(again, history);
    const acked = next(again, 'sent');
    await again.connect();
    await acked;
    await next(bob, 'message');
    expect(await history.list(chat.id)).toMatchObject([{ text: 'sent while offline', seq: 1 }]);
  });

  it('deletes a chat’s history when the chat expires', async () => {
    const ana = await user('Ana');
    const bob = await user('Bob');
    const anas = recorder(ana);
    const chat = await bob.startChat('ana');
    const arrived = next(ana, 'message');
    await bob.sendText(chat.id, 'hello');
    await arrived;
    server.clock.advance(10 * DAY + 1000);
    const closed = next(ana, 'chatClosed');
    expect(await server.app.sweeper.runOnce()).toBe(1);
    await closed;
    expect(await anas.history.list(chat.id)).toEqual([]);
  });
});
