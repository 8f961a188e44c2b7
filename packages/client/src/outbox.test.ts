import type { SendFrame } from '@knock/protocol/frames';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { Outbox } from './outbox.js';
import type { OutboxEntry } from './store.js';
import { ManualTimers } from './testing/fake-timers.js';

const chatId = 'CCCCCCCCCCCCCCCCCCCCCC';

function entry(n: number): OutboxEntry {
  return { chatId, clientMessageId: `message-${n}`, ciphertext: `payload${n}`, createdAt: n };
}

function setup() {
  const store = new MemoryStore();
  const timers = new ManualTimers();
  const transport = { online: false, sent: [] as SendFrame[] };
  const outbox = new Outbox(
    store,
    {
      send: (frame) => {
        if (!transport.online) return false;
        transport.sent.push(frame);
        return true;
      },
    },
    { timers, random: () => 0.5 },
  );
  return { store, timers, transport, outbox };
}

const ids = (frames: SendFrame[]): string[] => frames.map((f) => f.clientMessageId);

describe('Outbox', () => {
  it('persists an entry before it resolves, even offline', async () => {
    const { store, outbox, transport } = setup();
    await outbox.add(entry(1));
    expect(await store.listOutbox()).toEqual([entry(1)]);
    expect(transport.sent).toEqual([]);
  });

  it('sends queued entries in order on connect and new ones after them', async () => {
    const { outbox, transport } = setup();
    for (const n of [1, 2, 3]) await outbox.add(entry(n));
    transport.online = true;
    await outbox.reload();
    await outbox.add(entry(4));
    expect(ids(transport.sent)).toEqual(['message-1', 'message-2', 'message-3', 'message-4']);
    expect(transport.sent[0]).toEqual({
      type: 'send',
      chatId,
      clientMessageId: 'message-1',
      ciphertext: 'payload1',
    });
  });

  it('resends everything unacknowledged, byte-identical and in order, on every reconnect', async () => {
    const { outbox, transport, store } = setup();
    transport.online = true;
    await outbox.reload();
    for (const n of [1, 2, 3]) await outbox.add(entry(n));
    const first = [...transport.sent];
    await outbox.settle('message-1', true);
    outbox.disconnected();
    transport.sent = [];
    await outbox.reload();
    expect(transport.sent).toEqual(first.slice(1));
    expect(await store.listOutbox()).toEqual([entry(2), entry(3)]);
  });

  it('picks up entries another process added to the shared store on reconnect', async () => {
    const { outbox, transport, store } = setup();
    await store.addOutboxEntry(entry(7));
    transport.online = true;
    await outbox.reload();
    expect(ids(transport.sent)).toEqual(['message-7']);
  });

  it('removes settled entries durably and reports whether they were queued', async () => {
    const { outbox, store } = setup();
    await outbox.add(entry(1));
    expect(await outbox.settle('message-1', false)).toEqual(entry(1));
    expect(await outbox.settle('message-1', true)).toBeUndefined();
    expect(await store.listOutbox()).toEqual([]);
  });

  it('retries a send the server asked to slow down after a backoff delay', async () => {
    const { outbox, transport, timers } = setup();
    transport.online = true;
    await outbox.reload();
    await outbox.add(entry(1));
    await outbox.add(entry(2));
    outbox.retryLater('message-1');
    expect(timers.pendingDelays()).toEqual([500]);
    timers.runNext();
    expect(ids(transport.sent)).toEqual(['message-1', 'message-2', 'message-1']);
    // A second refusal waits longer (exponential), and a success resets the backoff.
    outbox.retryLater('message-1');
    expect(timers.pendingDelays()).toEqual([1_000]);
    timers.runNext();
    await outbox.settle('message-1', true);
    outbox.retryLater('message-2');
    expect(timers.pendingDelays()).toEqual([500]);
  });

  it('stops at the first entry the transport refuses and sends it and the rest later', async () => {
    const { outbox, transport, store } = setup();
    for (const n of [1, 2, 3]) await outbox.add(entry(n));
    let budget = 1;
    const limited = new Outbox(store, {
      send: (frame) => {
        if (budget-- <= 0) return false;
        transport.sent.push(frame);
        return true;
      },
    });
    await limited.reload();
    expect(ids(transport.sent)).toEqual(['message-1']);
    budget = 10;
    limited.pump();
    limited.pump();
    expect(ids(transport.sent)).toEqual(['message-1', 'message-2', 'message-3']);
  });

  it('drops a closed chat', async () => {
    const { outbox } = setup();
    await outbox.add(entry(1));
    await outbox.add({ ...entry(2), chatId: 'DDDDDDDDDDDDDDDDDDDDDD' });
    expect(outbox.dropChat(chatId)).toEqual([entry(1)]);
    expect(outbox.entries.map((e) => e.clientMessageId)).toEqual(['message-2']);
  });
});
