import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer } from '@knock/server/testing/test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunningKnock, runKnock } from './testing/spawn-cli.js';

// End-to-end: the compiled CLI (`node apps/cli/bin/knock.js`) against a real server with its own
// SQLite database. Build first (`npx tsc -b apps/cli`; `npm test` does it).

const PASSWORD = 'correct horse battery staple';

let server: Awaited<ReturnType<typeof startTestServer>>;
let dir: string;
const running: RunningKnock[] = [];

beforeEach(async () => {
  // Guests solve a proof of work to claim a link: a cheap one keeps the tests quick.
  server = await startTestServer({ env: CHEAP_PROOF_ENV });
  dir = await mkdtemp(join(tmpdir(), 'knock-e2e-'));
});

afterEach(async () => {
  for (const child of running.splice(0)) child.kill();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** `knock …` as `user`, whose state lives in its own directory. */
function knock(user: string, args: string[], stdin?: string) {
  const env = { KNOCK_STATE_DIR: join(dir, user) };
  return runKnock(
    [...args, '--server', server.url],
    stdin === undefined ? { env } : { env, stdin },
  );
}

/** Creates the account (unless it exists) and logs in from the state directory `machine`. */
async function signUp(user: string, machine = user): Promise<void> {
  if (machine === user) {
    const created = await knock(
      user,
      ['user', 'create', user, '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
  }
  const login = await knock(machine, ['login', user, '--password-stdin'], `${PASSWORD}\n`);
  expect(login).toMatchObject({ code: 0, stderr: '' });
}

describe('knock CLI end to end', () => {
  it('creates a user and logs in, keeping the session private', async () => {
    const created = await knock(
      'alice',
      ['user', 'create', 'alice', '--display-name', 'Alice A', '--password-stdin', '--json'],
      `${PASSWORD}\n`,
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      type: 'user',
      user: { username: 'alice', displayName: 'Alice A' },
    });
    const login = await knock('alice', ['login', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    expect(login).toMatchObject({
      code: 0,
      stdout: `Logged in as alice (Alice A) on ${server.url}.\n`,
    });
    expect((await stat(join(dir, 'alice', 'session.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'alice'))).mode & 0o777).toBe(0o700);
    expect(login.stdout).not.toContain('token');
  });

  it('sends a message and prints its seq; the listener prints it and acknowledges it', async () => {
    await signUp('alice');
    await signUp('bob');
    const first = await knock('alice', ['send', 'bob', 'hello bob']);
    expect(first).toMatchObject({ code: 0, stdout: 'Sent to bob (seq 1).\n', stderr: '' });

    const listen = new RunningKnock(['listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'bob'),
    });
    running.push(listen);
    // The message sent while bob was away arrives first; then a live one.
    expect(await listen.json((e) => e.type === 'message' && e.seq === 1)).toMatchObject({
      from: 'alice',
      text: 'hello bob',
      own: false,
    });
    await listen.json((e) => e.type === 'connection' && e.state === 'online');
    const second = await knock('alice', ['send', 'bob', 'are you there?', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ type: 'sent', to: 'bob', seq: 2 });
    expect(await listen.json((e) => e.type === 'message' && e.seq === 2)).toMatchObject({
      from: 'alice',
      text: 'are you there?',
    });

    const stopped = await listen.interrupt();
    expect(stopped.code).toBe(0);
    // Bob's acks reached the server: alice sees both messages delivered.
    const list = await knock('alice', ['chat', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject({
      peer: { username: 'bob' },
      lastSeq: 2,
      peerAckedSeq: 2,
    });

    // A second listener prints nothing again: everything was acknowledged.
    const again = new RunningKnock(['listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'bob'),
    });
    running.push(again);
    await again.json((e) => e.type === 'connection' && e.state === 'online');
    await knock('alice', ['send', 'bob', 'third']);
    await again.json((e) => e.type === 'message' && e.seq === 3);
    expect(again.lines.filter((l) => l.includes('"type":"message"'))).toHaveLength(1);
    expect((await again.interrupt()).code).toBe(0);
  });

  it('keeps its keys in the state directory and stops a chat whose peer key changed', async () => {
    await signUp('alice');
    await signUp('bob');
    const keyFiles = (await readdir(join(dir, 'alice'))).filter((f) => f.startsWith('keys-'));
    expect(keyFiles).toHaveLength(1);
    expect((await stat(join(dir, 'alice', keyFiles[0]!))).mode & 0o777).toBe(0o600);
    expect((await knock('alice', ['send', 'bob', 'sealed for bob'])).code).toBe(0);

    const safety = async (user: string, peer: string) => {
      const shown = await knock(user, ['chat', 'safety-number', peer, '--json']);
      expect(shown.code).toBe(0);
      return JSON.parse(shown.stdout) as { safetyNumber: string; accepted: boolean };
    };
    const listen = new RunningKnock(['listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'bob'),
    });
    running.push(listen);
    expect(await listen.json((e) => e.type === 'message')).toMatchObject({
      text: 'sealed for bob',
    });
    expect((await listen.interrupt()).code).toBe(0);
    const before = await safety('alice', 'bob');
    expect(before).toMatchObject({ accepted: true });
    expect(await safety('bob', 'alice')).toEqual({
      ...before,
      type: 'safety_number',
      username: 'alice',
    });

    // Bob signs in on another machine: new keys. Alice's CLI refuses until she trusts them.
    await signUp('bob', 'bob-laptop');
    const refused = await knock('alice', ['send', 'bob', 'not yet']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^knock: identity_changed: .*knock chat trust bob/);
    const changed = await safety('alice', 'bob');
    expect(changed.accepted).toBe(false);
    expect(changed.safetyNumber).not.toBe(before.safetyNumber);
    expect((await knock('alice', ['chat', 'trust', 'bob'])).code).toBe(0);
    expect((await knock('alice', ['send', 'bob', 'hello laptop'])).code).toBe(0);

    const laptop = new RunningKnock(['listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'bob-laptop'),
    });
    running.push(laptop);
    expect(
      await laptop.json((e) => e.type === 'message' && e.text === 'hello laptop'),
    ).toMatchObject({
      from: 'alice',
    });
    expect((await laptop.interrupt()).code).toBe(0);
  });

  it('creates guest links with a QR code, lists them and revokes one or all', async () => {
    await signUp('ana');
    const created = await knock('ana', [
      'invite',
      'create',
      '--label',
      'window',
      '--expires',
      '7d',
      '--json',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { url, invite } = JSON.parse(created.stdout) as {
      url: string;
      invite: { id: string };
    };
    expect(url.startsWith(`${server.url}/j#1.`)).toBe(true);
    expect(url).toMatch(/#1\.[A-Za-z0-9_-]{64}$/);
    expect(invite).toMatchObject({
      kind: 'one_time',
      state: 'open',
      label: 'window',
      displayName: 'ana',
    });

    const reusable = await knock('ana', [
      'invite',
      'create',
      '--reusable',
      '--max-uses',
      '3',
      '--name',
      'Ana Support',
    ]);
    expect(reusable.code).toBe(0);
    const [line, link, , qrTop] = reusable.stdout.split('\n');
    expect(line).toBe('New reusable (0/3 used) link as "Ana Support" (no expiry):');
    expect(link).toMatch(/\/j#1\./);
    expect(qrTop).toMatch(/[▀▄█]/);

    const table = await knock('ana', ['invite', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATE\s+KIND\s+NAME\s+LABEL/);
    expect(table.stdout).toMatch(new RegExp(`${invite.id}\\s+open\\s+one-time\\s+ana\\s+window`));

    expect((await knock('ana', ['invite', 'revoke', invite.id])).stdout).toBe(
      `Revoked ${invite.id}.\n`,
    );
    expect((await knock('ana', ['invite', 'revoke', '--all'])).stdout).toBe(
      'Revoked 1 open link.\n',
    );
    const states = (await knock('ana', ['invite', 'list', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { invite: { state: string } }).invite.state);
    expect(states).toEqual(['revoked', 'revoked']);

    expect((await knock('ana', ['invite', 'revoke'])).code).toBe(2);
    expect((await knock('ana', ['invite', 'create', '--max-uses', '2'])).code).toBe(2);
    expect((await knock('ana', ['invite', 'create', '--expires', 'tomorrow'])).code).toBe(2);
  });

  it('lists chats with the unread count', async () => {
    await signUp('alice');
    await signUp('bob');
    for (const text of ['one', 'two', 'three'])
      expect((await knock('alice', ['send', 'bob', text])).code).toBe(0);
    const human = await knock('bob', ['chat', 'list']);
    expect(human.code).toBe(0);
    const [header, row] = human.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^CHAT\s+NAME\s+UNREAD\s+LAST ACTIVITY\s+EXPIRES IN$/);
    expect(row).toMatch(/^alice\s+alice\s+3\s+just now\s+\d+d/);
    const json = await knock('bob', ['chat', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      type: 'chat',
      peer: { username: 'alice' },
      unreadCount: 3,
    });
    expect(JSON.parse((await knock('alice', ['chat', 'list', '--json'])).stdout)).toMatchObject({
      unreadCount: 0,
    });
  });

  it('lets a guest join a link, write, be accepted and answered, until the host blocks it', async () => {
    await signUp('ana');
    const created = await knock('ana', ['invite', 'create', '--name', 'Ana’s Bakery', '--json']);
    const { url } = JSON.parse(created.stdout) as { url: string };
    const joined = await knock('sam', [
      'guest',
      'join',
      url,
      '--name',
      'Sam',
      '--no-listen',
      '--json',
    ]);
    expect(joined).toMatchObject({ code: 0, stderr: '' });
    const { chatId } = JSON.parse(joined.stdout) as { chatId: string };
    expect(JSON.parse(joined.stdout)).toMatchObject({
      type: 'joined',
      name: 'Sam',
      hostName: 'Ana’s Bakery',
      guest: { role: 'guest', state: 'request', allowance: { messages: 3 } },
    });
    // The guest's token and its own identity for this chat, apart from any login, all private.
    const guestDir = join(dir, 'sam', 'guests', chatId);
    for (const file of ['guest.json', 'keys.json', 'store.json'])
      expect((await stat(join(guestDir, file))).mode & 0o777).toBe(0o600);

    // The host sees the guest once a listener opened its first message.
    const unopened = await knock('ana', ['chat', 'list']);
    expect(unopened.stdout).toContain('1 guest chat is not opened here yet');
    const listen = new RunningKnock(['listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'ana'),
    });
    running.push(listen);
    expect(await listen.json((e) => e.type === 'guest_joined')).toMatchObject({
      chatId,
      name: 'Sam',
      peer: 'Sam (Guest) · Not registered',
    });
    const [, row] = (await knock('ana', ['chat', 'list'])).stdout.split('\n');
    expect(row).toMatch(
      new RegExp(`^${chatId}\\s+Sam \\(Guest\\) · Not registered · request\\s+\\d+\\s`),
    );

    const asked = await knock('sam', ['guest', 'send', 'Is the shop open on Sunday?']);
    expect(asked).toMatchObject({ code: 0, stdout: 'Sent to Ana’s Bakery (seq 2).\n' });
    expect(await listen.json((e) => e.type === 'message' && e.seq === 2)).toMatchObject({
      from: 'Sam (Guest)',
      text: 'Is the shop open on Sunday?',
    });
    expect(await knock('ana', ['chat', 'accept', 'sam'])).toMatchObject({
      code: 0,
      stdout: 'Accepted the request of Sam (Guest); they can write freely now.\n',
    });
    const answered = await knock('ana', ['send', chatId, 'Yes, 9 to 12.']);
    expect(answered).toMatchObject({
      code: 0,
      stdout: 'Sent to Sam (Guest) (seq 3).\n',
      stderr: '',
    });

    const guest = new RunningKnock(['guest', 'listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'sam'),
    });
    running.push(guest);
    expect(await guest.json((e) => e.type === 'message' && e.seq === 3)).toMatchObject({
      from: 'Ana’s Bakery',
      text: 'Yes, 9 to 12.',
      own: false,
    });
    await guest.json((e) => e.type === 'connection' && e.state === 'online');

    const blocked = await knock('ana', ['chat', 'block', chatId, '--json']);
    expect(JSON.parse(blocked.stdout)).toEqual({ type: 'blocked', chatId, peer: 'Sam (Guest)' });
    expect(await listen.json((e) => e.type === 'chat_closed')).toMatchObject({
      chatId,
      reason: 'blocked',
      peer: 'Sam (Guest)',
    });
    // The guest hears the chat ended and stops; its token and keys leave its machine.
    expect(await guest.json((e) => e.type === 'chat_closed')).toMatchObject({
      chatId,
      reason: 'ended',
      peer: 'Ana’s Bakery',
    });
    expect((await guest.exited()).code).toBe(0);
    expect(await readdir(join(dir, 'sam', 'guests'))).toEqual([]);
    expect((await knock('sam', ['guest', 'send', 'hello?'])).stderr).toMatch(
      /^knock: no_guest_chat: /,
    );
    expect((await listen.interrupt()).code).toBe(0);
  });

  it('lets a guest listen from joining on and end the chat, which the host hears', async () => {
    await signUp('ana');
    const created = await knock('ana', ['invite', 'create', '--json']);
    const { url } = JSON.parse(created.stdout) as { url: string };
    const listen = new RunningKnock(['listen', '--json', '--server', server.url], {
      KNOCK_STATE_DIR: join(dir, 'ana'),
    });
    running.push(listen);
    await listen.json((e) => e.type === 'connection' && e.state === 'online');
    const guest = new RunningKnock(
      ['guest', 'join', url, '--name', 'Kim', '--json', '--server', server.url],
      { KNOCK_STATE_DIR: join(dir, 'kim') },
    );
    running.push(guest);
    const { chatId } = await guest.json((e) => e.type === 'joined');
    expect(typeof chatId).toBe('string');
    await guest.json((e) => e.type === 'connection' && e.state === 'online');
    await listen.json((e) => e.type === 'guest_joined' && e.chatId === chatId);

    // Replying accepts the request; the guest hears both.
    expect((await knock('ana', ['send', String(chatId), 'Welcome, Kim'])).code).toBe(0);
    expect(await guest.json((e) => e.type === 'message')).toMatchObject({
      from: 'ana',
      text: 'Welcome, Kim',
    });
    await guest.json((e) => e.type === 'guest_state' && e.state === 'accepted');
    expect((await guest.interrupt()).code).toBe(0);

    const ended = await knock('kim', ['guest', 'end']);
    expect(ended).toMatchObject({
      code: 0,
      stdout: 'Ended the chat with ana; its token and keys are removed from this machine.\n',
    });
    expect(await listen.json((e) => e.type === 'chat_closed')).toMatchObject({
      chatId,
      reason: 'ended',
      peer: 'Kim (Guest)',
    });
    expect((await knock('ana', ['chat', 'list'])).stdout).toBe('No chats yet.\n');
    expect((await listen.interrupt()).code).toBe(0);
  });

  it('fails with exit 1 and the error code for an unknown user and a wrong password', async () => {
    await signUp('alice');
    const unknown = await knock('alice', ['send', 'nobody_here', 'hi']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^knock: user_not_found: .+\n$/);
    const wrong = await knock(
      'alice',
      ['login', 'alice', '--password-stdin'],
      'not the password\n',
    );
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toMatch(/^knock: invalid_credentials: .+\n$/);
    const taken = await knock(
      'bob',
      ['user', 'create', 'alice', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^knock: username_taken: /);
  });

  it('logs out, revoking the token on the server', async () => {
    await signUp('alice');
    const session = join(dir, 'alice', 'session.json');
    const saved = await readFile(session, 'utf8');
    expect((await knock('alice', ['logout'])).code).toBe(0);
    await expect(stat(session)).rejects.toThrow();
    // The old token no longer works.
    await writeFile(session, saved, { mode: 0o600 });
    const refused = await knock('alice', ['chat', 'list']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^knock: unauthorized: /);
  });
});
