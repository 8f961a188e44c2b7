import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.js';
import type { ChatsService } from '../chats/service.js';
import { Connection } from './connection.js';
import { Hub } from './hub.js';

// Routing of a chat's close to the connections of its members, with real connections over a
// socket that records what it is told (the transport is beside the point here).

const CHAT = 'CCCCCCCCCCCCCCCCCCCCCC';

function recordingSocket() {
  const sent: unknown[] = [];
  const closed: { code: number; reason: string }[] = [];
  const socket = {
    bufferedAmount: 0,
    send: (data: string) => sent.push(JSON.parse(data)),
    close: (code: number, reason: string) => closed.push({ code, reason }),
  };
  return { socket: socket as unknown as WebSocket, sent, closed };
}

function connect(hub: Hub, userId: string, guest: boolean) {
  const { socket, sent, closed } = recordingSocket();
  const raw = { cork: () => undefined, uncork: () => undefined } as unknown as Socket;
  const connection = new Connection(
    userId,
    socket,
    raw,
    {
      readAfter: () => Promise.resolve([]),
      onFrameOut: () => undefined,
      onMessageOut: () => undefined,
      log: createLogger('silent'),
      bufferLimit: 1 << 20,
    },
    { tokenHash: `hash-${userId}`, guest },
  );
  hub.add(connection);
  return { connection, sent, closed };
}

describe('the hub on a chat’s close', () => {
  it('tells the members that have the chat, and closes a guest even before its chats loaded', () => {
    const hub = new Hub(undefined as unknown as ChatsService, createLogger('silent'));
    const host = connect(hub, 'host', false);
    host.connection.start([{ chatId: CHAT, ackedSeq: 0 }]);
    // The guest's connection is up but still loading its chats when the chat closes.
    const loading = connect(hub, 'guest', true);
    hub.handle({ kind: 'chat_closed', chatId: CHAT, memberIds: ['host'], reason: 'blocked' });
    hub.handle({ kind: 'chat_closed', chatId: CHAT, memberIds: ['guest'], reason: 'ended' });

    expect(host.sent).toContainEqual({ type: 'chat_closed', chatId: CHAT, reason: 'blocked' });
    expect(host.closed).toEqual([]);
    expect(host.connection.hasChat(CHAT)).toBe(false);
    expect(loading.sent).toEqual([]);
    expect(loading.closed).toEqual([{ code: 4401, reason: 'unauthorized' }]);
  });

  it('sends a guest that has the chat the reason, then closes it', () => {
    const hub = new Hub(undefined as unknown as ChatsService, createLogger('silent'));
    const guest = connect(hub, 'guest', true);
    guest.connection.start([{ chatId: CHAT, ackedSeq: 0 }]);
    hub.handle({ kind: 'chat_closed', chatId: CHAT, memberIds: ['guest'], reason: 'expired' });
    expect(guest.sent).toContainEqual({ type: 'chat_closed', chatId: CHAT, reason: 'expired' });
    expect(guest.closed).toEqual([{ code: 4401, reason: 'unauthorized' }]);
  });
});
