import { describe, expect, it } from 'vitest';
import type { StateChange } from './connection.js';
import { Connection } from './connection.js';
import { fakeSocketFactory } from './testing/fake-socket.js';
import { ManualTimers } from './testing/fake-timers.js';
import { recordingLogger } from './testing/recording-logger.js';

const backoff = { baseMs: 100, capMs: 1_000, stableAfterMs: 5_000 };

function setup(random = () => 0.999) {
  const timers = new ManualTimers();
  const { factory, sockets } = fakeSocketFactory();
  const logger = recordingLogger();
  const connection = new Connection({
    url: 'ws://knock.test/api/ws',
    token: 'secret',
    socketFactory: factory,
    timers,
    now: () => timers.now(),
    random,
    backoff,
    logger,
  });
  const states: StateChange[] = [];
  connection.events.on('state', (change) => void states.push(change));
  return { timers, sockets, connection, states, logger };
}

const latest = <T>(items: T[]): T => items[items.length - 1]!;

describe('Connection', () => {
  it('is online only after ready, and passes the token to the socket factory', () => {
    const { connection, sockets, states } = setup();
    connection.start();
    expect(connection.state).toBe('connecting');
    expect(sockets[0]!.request).toEqual({ url: 'ws://knock.test/api/ws', token: 'secret' });
    sockets[0]!.handlers.open();
    expect(connection.state).toBe('connecting');
    expect(
      connection.send({ type: 'typing', chatId: 'AAAAAAAAAAAAAAAAAAAAAA', typing: true }),
    ).toBe(false);
    sockets[0]!.accept();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'online']);
    expect(
      connection.send({ type: 'typing', chatId: 'AAAAAAAAAAAAAAAAAAAAAA', typing: true }),
    ).toBe(true);
  });

  it('reconnects with exponential backoff and full jitter, capped', () => {
    const { connection, sockets, timers, states } = setup();
    connection.start();
    const ceilings = [100, 200, 400, 800, 1_000, 1_000];
    for (const [attempt, ceiling] of ceilings.entries()) {
      sockets[attempt]!.handlers.close(1006, '');
      expect(latest(states)).toMatchObject({ state: 'offline', closeCode: 1006 });
      const delay = latest(states).retryInMs!;
      expect(delay).toBeLessThan(ceiling);
      expect(delay).toBeGreaterThanOrEqual(ceiling - 1);
      expect(timers.pendingDelays()).toEqual([delay]);
      timers.advance(delay);
      expect(sockets).toHaveLength(attempt + 2);
    }
  });

  it('resets the backoff after a stable connection but not after a short one', () => {
    const { connection, sockets, timers, states } = setup();
    connection.start();
    for (let i = 0; i < 3; i++) {
      sockets[i]!.handlers.close(1006, '');
      timers.runNext();
    }
    expect(connection.attempt).toBe(3);
    sockets[3]!.accept();
    timers.advance(1_000);
    sockets[3]!.handlers.close(1001, 'restart');
    expect(connection.attempt).toBe(4);
    expect(latest(states).retryInMs).toBe(799);
    timers.runNext();
    sockets[4]!.accept();
    timers.advance(5_000);
    sockets[4]!.handlers.close(1001, 'restart');
    expect(connection.attempt).toBe(1);
    expect(latest(states).retryInMs).toBe(99);
  });

  it('gives up on 4401 and reports unauthorized', () => {
    const { connection, sockets, timers, states } = setup();
    connection.start();
    sockets[0]!.handlers.open();
    sockets[0]!.handlers.close(4401, 'unauthorized');
    expect(connection.state).toBe('unauthorized');
    expect(latest(states)).toEqual({ state: 'unauthorized', closeCode: 4401 });
    expect(timers.pendingDelays()).toEqual([]);
  });

  it('drops a socket that never says ready and tries again', () => {
    const { connection, sockets, timers } = setup();
    connection.start();
    sockets[0]!.handlers.open();
    timers.advance(20_000);
    expect(sockets[0]!.closedWith).toEqual({ code: 1000, reason: 'ready timeout' });
    expect(connection.state).toBe('offline');
    timers.runNext();
    expect(sockets).toHaveLength(2);
  });

  it('ignores and logs invalid frames, and ignores a replaced socket', () => {
    const { connection, sockets, logger, timers } = setup();
    const frames: unknown[] = [];
    connection.events.on('frame', (frame) => void frames.push(frame));
    connection.start();
    sockets[0]!.accept();
    sockets[0]!.receive('not json');
    sockets[0]!.receive({ type: 'message', chatId: 'short' });
    sockets[0]!.receive({
      type: 'typing',
      chatId: 'AAAAAAAAAAAAAAAAAAAAAA',
      userId: 'BBBBBBBBBBBBBBBBBBBBBB',
      typing: true,
    });
    expect(frames.map((f) => (f as { type: string }).type)).toEqual(['ready', 'typing']);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.reason)).toEqual([
      'not JSON',
      expect.stringContaining('chatId'),
    ]);
    sockets[0]!.handlers.close(1006, '');
    timers.runNext();
    sockets[0]!.receive({
      type: 'typing',
      chatId: 'AAAAAAAAAAAAAAAAAAAAAA',
      userId: 'BBBBBBBBBBBBBBBBBBBBBB',
      typing: false,
    });
    expect(frames).toHaveLength(2);
  });

  it('stops reconnecting when stopped', () => {
    const { connection, sockets, timers } = setup();
    connection.start();
    sockets[0]!.accept();
    connection.stop();
    expect(sockets[0]!.closedWith).toEqual({ code: 1000, reason: 'client closing' });
    sockets[0]!.handlers.close(1000, '');
    expect(timers.pendingDelays()).toEqual([]);
    expect(connection.state).toBe('offline');
  });
});
