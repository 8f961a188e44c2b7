import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from './main.js';
import { fakeIo } from './testing/fake-io.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'knock-cli-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function knock(args: string[], stdin?: string) {
  const io = fakeIo({ KNOCK_STATE_DIR: stateDir }, stdin);
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('knock argument parsing', () => {
  it.each([
    [['send']],
    [['send', 'bob']],
    [['frobnicate']],
    [['chat', 'list', '--bogus']],
    [['send', 'bob', 'hi', '--timeout', 'soon']],
    [['login']],
    [['chat', 'accept']],
    [['guest', 'join', 'http://localhost:8080/j#1.x']],
    [['guest', 'join', '1.fragment-without-server', '--name', 'Sam']],
    [['guest', 'send']],
    [['guest', 'end', '--chat', '../../etc']],
  ])('exits 2 with a one-line usage error for %j', async (args) => {
    const { code, err } = await knock(args);
    expect(code).toBe(2);
    expect(err).toMatch(/^knock: usage: .+\n$/);
  });

  it('exits 2 when a password is needed but there is neither a terminal nor --password-stdin', async () => {
    const { code, err } = await knock(['user', 'create', 'alice']);
    expect(code).toBe(2);
    expect(err).toBe(
      'knock: usage: No terminal to ask for the password: pipe it in with --password-stdin.\n',
    );
  });

  it('exits 2 for an empty password on stdin and for a server that is not a URL', async () => {
    expect((await knock(['login', 'alice', '--password-stdin'], '\n')).code).toBe(2);
    const bad = await knock(['login', 'alice', '--password-stdin', '--server', 'ftp://x'], 'pw\n');
    expect(bad).toMatchObject({ code: 2, err: 'knock: usage: Not an http(s) URL: ftp://x\n' });
  });

  it('exits 1 with the error code when not logged in', async () => {
    for (const args of [
      ['chat', 'list'],
      ['send', 'bob', 'hi'],
      ['listen'],
      ['chat', 'block', 'Sam'],
    ]) {
      const { code, err } = await knock(args);
      expect(code).toBe(1);
      expect(err).toMatch(/^knock: unauthorized: Not logged in\./);
    }
  });

  it('takes chat and link ids that start with a dash as arguments, not options', async () => {
    for (const args of [
      ['send', '-vXErXivGTVrp9giiui24l', 'hi'],
      ['send', '--json', '--Xiui24lvXErXivGTVrp9', 'hi'],
      ['invite', 'revoke', '-iiui24lvXErXivGTVrp9g'],
      ['chat', 'accept', '-iiui24lvXErXivGTVrp9g', '--json'],
    ]) {
      const { code, err } = await knock(args);
      expect({ args, code }).toEqual({ args, code: 1 });
      expect(err).toMatch(/unauthorized/);
    }
  });

  it('exits 1 and says how to join when there is no guest chat', async () => {
    for (const args of [
      ['guest', 'send', 'hi'],
      ['guest', 'listen'],
      ['guest', 'end'],
    ]) {
      const { code, err } = await knock(args);
      expect(code).toBe(1);
      expect(err).toBe(
        'knock: no_guest_chat: No guest chat on this machine. Join one with `knock guest join <link> --name <name>`.\n',
      );
    }
  });

  it('exits 1 with network_error when the server cannot be reached', async () => {
    const { code, err } = await knock(
      ['login', 'alice', '--password-stdin', '--server', 'http://127.0.0.1:1'],
      'pw\n',
    );
    expect(code).toBe(1);
    expect(err).toMatch(/^knock: network_error: /);
  });

  it('treats logout without a login as done', async () => {
    expect(await knock(['logout', '--json'])).toEqual({
      code: 0,
      out: '{"type":"logout","wasLoggedIn":false}\n',
      err: '',
    });
  });

  it('prints help and the version with exit 0, and help for a bare group with exit 2', async () => {
    const help = await knock(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: knock');
    expect((await knock(['--version'])).out).toBe('0.1.0\n');
    const group = await knock(['chat']);
    expect(group.code).toBe(2);
    expect(group.err).toContain('Usage: knock chat');
  });
});
