import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';
import { recordingLogger } from './testing/recording-logger.js';

interface Events {
  ping: { n: number };
  pong: string;
}

describe('Emitter', () => {
  it('calls listeners in order, waits for async ones, and unsubscribes', async () => {
    const emitter = new Emitter<Events>();
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    emitter.on('ping', async ({ n }) => {
      await gate;
      seen.push(`async ${n}`);
    });
    const off = emitter.on('ping', ({ n }) => void seen.push(`sync ${n}`));
    const done = emitter.emit('ping', { n: 1 });
    expect(seen).toEqual(['sync 1']);
    release();
    await done;
    expect(seen).toEqual(['sync 1', 'async 1']);
    off();
    expect(emitter.listenerCount('ping')).toBe(1);
  });

  it('logs a failing listener and still runs the others', async () => {
    const logger = recordingLogger();
    const emitter = new Emitter<Events>(logger);
    const seen: string[] = [];
    emitter.on('pong', () => {
      throw new Error('boom');
    });
    emitter.on('pong', () => Promise.reject(new Error('async boom')));
    emitter.on('pong', (text) => void seen.push(text));
    await emitter.emit('pong', 'hi');
    expect(seen).toEqual(['hi']);
    expect(logger.lines.map((l) => l.level)).toEqual(['error', 'error']);
  });
});
