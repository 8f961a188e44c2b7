import { describe, expect, it } from 'vitest';
import { RawClient, text, aliceAndBob } from '../../testing/raw-client.js';
import { startTestServer } from '../../testing/test-server.js';

describe('graceful shutdown', () => {
  it('commits and acks what was queued, closes sockets with 1001, then stops listening', async () => {
    const server = await startTestServer({ env: { KNOCK_LIMIT_FRAMES_PER_SECOND: '100000' } });
    const { alice, chat } = await aliceAndBob(server.url);
    const client = await RawClient.ready(server.wsUrl, alice.token);
    const ids = Array.from({ length: 200 }, (_, i) => `bye-${String(i).padStart(4, '0')}`);
    for (const id of ids)
      client.send({ type: 'send', chatId: chat.id, clientMessageId: id, ciphertext: text(id) });
    // Shut down as soon as the first send is acknowledged: the rest are still in flight.
    await client.next((f) => f.type === 'sent');
    await server.app.close();

    expect(await client.closed()).toBe(1001);
    const acked = client.frames.filter((f) => f.type === 'sent');
    // Every ack that went out names a committed message, in order, with no gap.
    expect(acked.map((f) => f.seq)).toEqual(acked.map((_, i) => i + 1));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    // The database holds every acked message, and resends after a restart get the same seqs.
    const again = await startTestServer({
      env: {
        KNOCK_DATABASE_URL: server.databaseFile ?? '',
        KNOCK_LIMIT_FRAMES_PER_SECOND: '100000',
      },
    });
    try {
      const retry = await RawClient.ready(again.wsUrl, alice.token);
      for (const id of ids)
        retry.send({ type: 'send', chatId: chat.id, clientMessageId: id, ciphertext: text(id) });
      await retry.next((f) => f.type === 'sent' && f.clientMessageId === ids.at(-1));
      const seqs = new Map(
        retry.frames.flatMap((f) => (f.type === 'sent' ? [[f.clientMessageId, f.seq]] : [])),
      );
      for (const f of acked) if (f.type === 'sent') expect(seqs.get(f.clientMessageId)).toBe(f.seq);
      expect([...seqs.values()].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
      retry.close();
    } finally {
      await again.close();
      await server.close().catch(() => undefined);
    }
  });
});
