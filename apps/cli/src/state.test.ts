import { mkdtemp, rm, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServerUrl, stateDirFrom } from './options.js';
import { deleteSession, loadSession, saveSession } from './state.js';
import { fakeIo } from './testing/fake-io.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'knock-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const session = {
  server: 'http://localhost:8080',
  token: 'secret-token',
  user: { id: 'UUUUUUUUUUUUUUUUUUUUUU', username: 'alice', displayName: 'Alice' },
};

describe('state directory', () => {
  it('stores the session 0600 in a 0700 directory and reads it back', async () => {
    const stateDir = join(dir, 'knock');
    await saveSession(stateDir, session);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, 'session.json'))).mode & 0o777).toBe(0o600);
    expect(await loadSession(stateDir)).toEqual(session);
    await deleteSession(stateDir);
    expect(await loadSession(stateDir)).toBeUndefined();
  });

  it('tightens an existing directory to 0700', async () => {
    const stateDir = join(dir, 'loose');
    await mkdir(stateDir);
    await chmod(stateDir, 0o755);
    await saveSession(stateDir, session);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
  });

  it('reports a damaged session file', async () => {
    await writeFile(join(dir, 'session.json'), '{"server":1}');
    await expect(loadSession(dir)).rejects.toMatchObject({ code: 'bad_state' });
  });

  it('takes --state-dir over $KNOCK_STATE_DIR over ~/.knock', () => {
    expect(stateDirFrom({ stateDir: '/a' }, fakeIo({ KNOCK_STATE_DIR: '/b' }))).toBe('/a');
    expect(stateDirFrom({}, fakeIo({ KNOCK_STATE_DIR: '/b' }))).toBe('/b');
    expect(stateDirFrom({}, fakeIo())).toMatch(/\.knock$/);
  });

  it('accepts http(s) origins only', () => {
    expect(parseServerUrl('https://knock.example/some/path?q')).toBe('https://knock.example');
    expect(parseServerUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(parseServerUrl('knock.example')).toBeUndefined();
    expect(parseServerUrl('ws://knock.example')).toBeUndefined();
  });
});
