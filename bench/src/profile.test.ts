import { describe, expect, it } from 'vitest';
import { location, origin, summarizeProfile, type CpuProfile } from './profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

// root → processImmediate → commit → executeQuery; commit also runs encode directly.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('processImmediate', 'node:internal/timers', 437), children: [3] },
    {
      id: 3,
      callFrame: frame('commit', 'file:///w/apps/server/dist/features/messages/write-queue.js', 60),
      children: [4, 5],
    },
    {
      id: 4,
      callFrame: frame(
        'executeQuery',
        'file:///w/node_modules/kysely/dist/esm/sqlite-driver.js',
        59,
      ),
    },
    { id: 5, callFrame: frame('encode', 'file:///w/packages/protocol/dist/base64url.js', 5) },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('(idle)') },
  ],
  samples: [4, 4, 4, 5, 3, 6, 7, 7],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('summarizeProfile', () => {
  const summary = summarizeProfile(profile);

  it('leaves idle out of the busy time', () => {
    expect(summary.sampledMs).toBe(8);
    expect(summary.busyMs).toBe(6);
  });

  it('ranks functions by self time', () => {
    expect(summary.bySelf[0]).toMatchObject({
      name: 'executeQuery',
      where: 'kysely sqlite-driver.js:60',
      selfMs: 3,
      selfPercent: 50,
    });
    expect(summary.bySelf.map((f) => f.name)).toEqual([
      'executeQuery',
      'encode',
      'commit',
      '(garbage collector)',
    ]);
  });

  it('counts total time once per sample through the whole stack', () => {
    const commit = summary.byTotal.find((f) => f.name === 'commit');
    expect(commit).toMatchObject({
      totalMs: 5,
      selfMs: 1,
      where: 'apps/server features/messages/write-queue.js:61',
    });
    // The event loop's own frames are left out of the inclusive ranking.
    expect(summary.byTotal.find((f) => f.name === 'processImmediate')).toBeUndefined();
  });

  it('groups self time by package', () => {
    expect(summary.byPackage).toEqual([
      { where: 'kysely', selfMs: 3, selfPercent: 50 },
      { where: 'packages/protocol', selfMs: 1, selfPercent: expect.closeTo(16.67, 1) },
      { where: 'apps/server', selfMs: 1, selfPercent: expect.closeTo(16.67, 1) },
      { where: '(garbage collector)', selfMs: 1, selfPercent: expect.closeTo(16.67, 1) },
    ]);
  });
});

describe('origin and location', () => {
  it('names npm packages, scoped ones too', () => {
    expect(origin('file:///w/node_modules/@fastify/websocket/index.js')).toBe('@fastify/websocket');
    expect(origin('file:///w/node_modules/ws/lib/sender.js')).toBe('ws');
  });

  it('names Node internals and V8', () => {
    expect(origin('node:internal/stream_base_commons')).toBe('node');
    expect(origin('')).toBe('v8/native');
    expect(location('node:net', 9)).toBe('node:net:10');
  });
});
