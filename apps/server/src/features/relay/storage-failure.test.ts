import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RawClient, text, aliceAndBob } from '../../testing/raw-client.js';
import { startTestServer } from '../../testing/test-server.js';

describe('a send that storage cannot take', () => {
  it('is not acked, closes the socket so nothing overtakes it, and succeeds when resent', async () => {
    const server = await startTestServer();
    const outside = new SQLite(server.databaseFile ?? '');
    try {
      const { alice, chat } = await aliceAndBob(server.url);
      const send = (client: RawClient, id: string) =>
        client.send({ type: 'send', chatId: chat.id, clientMessageId: id, ciphertext: text(id) });

      const first = await RawClient.ready(server.wsUrl, alice.token);
      send(first, 'before-1');
      await first.next((f) => f.type === 'sent');
      outside.exec('ALTER TABLE messages RENAME TO messages_away');
      send(first, 'during-2');
      expect(await first.closed()).toBe(1011);
      expect(first.frames.filter((f) => f.type === 'sent').map((f) => f.clientMessageId)).toEqual([
        'before-1',
      ]);

      outside.exec('ALTER TABLE messages_away RENAME TO messages');
      const second = await RawClient.ready(server.wsUrl, alice.token);
      send(second, 'during-2');
      send(second, 'after-03');
      await second.next((f) => f.type === 'sent' && f.clientMessageId === 'after-03');
      const sent = second.frames.flatMap((f) =>
        f.type === 'sent' ? [[f.clientMessageId, f.seq]] : [],
      );
      expect(sent).toEqual([
        ['during-2', 2],
        ['after-03', 3],
      ]);
      second.close();
    } finally {
      outside.close();
      await server.close();
    }
  });
});
