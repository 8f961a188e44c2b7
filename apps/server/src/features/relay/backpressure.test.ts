import { describe, expect, it } from 'vitest';
import { fetchMetric } from '../../testing/metrics-text.js';
import { RawClient, text, aliceAndBob } from '../../testing/raw-client.js';
import { startTestServer } from '../../testing/test-server.js';

describe('a sender over its frame budget', () => {
  it('is slowed down, not refused: every send is stored, in the order it was sent', async () => {
    const server = await startTestServer({ env: { KNOCK_LIMIT_FRAMES_PER_SECOND: '1000' } });
    try {
      const { alice, chat } = await aliceAndBob(server.url);
      const client = await RawClient.ready(server.wsUrl, alice.token);
      const ids = Array.from({ length: 3000 }, (_, i) => `fast-${String(i).padStart(5, '0')}`);
      for (const id of ids)
        client.send({ type: 'send', chatId: chat.id, clientMessageId: id, ciphertext: text(id) });
      await client.next((f) => f.type === 'sent' && f.clientMessageId === ids.at(-1), 20_000);
      const sent = client.frames.flatMap((f) => (f.type === 'sent' ? [f] : []));
      expect(sent.map((f) => f.clientMessageId)).toEqual(ids);
      expect(sent.map((f) => f.seq)).toEqual(ids.map((_, i) => i + 1));
      expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
      expect(await fetchMetric(server.url, 'knock_ws_throttled_total')).toBeGreaterThan(0);
      client.close();
    } finally {
      await server.close();
    }
  });
});

describe('a write queue past half its capacity', () => {
  it('stops reading senders instead of refusing them: every send is stored, in order', async () => {
    const server = await startTestServer({
      env: { KNOCK_LIMIT_WRITE_QUEUE: '1000', KNOCK_LIMIT_FRAMES_PER_SECOND: '1000000' },
    });
    try {
      const { alice, chat } = await aliceAndBob(server.url);
      const client = await RawClient.ready(server.wsUrl, alice.token);
      const ids = Array.from({ length: 10_000 }, (_, i) => `queue-${String(i).padStart(5, '0')}`);
      for (const id of ids)
        client.send({ type: 'send', chatId: chat.id, clientMessageId: id, ciphertext: text(id) });
      await client.next((f) => f.type === 'sent' && f.clientMessageId === ids.at(-1), 30_000);
      const sent = client.frames.flatMap((f) => (f.type === 'sent' ? [f] : []));
      expect(sent.map((f) => f.seq)).toEqual(ids.map((_, i) => i + 1));
      expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
      expect(client.closeCode).toBeUndefined();
      expect(await fetchMetric(server.url, 'knock_ws_held_for_queue_total')).toBeGreaterThan(0);
      client.close();
    } finally {
      await server.close();
    }
  });
});
