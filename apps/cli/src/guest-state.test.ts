import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GuestProfile } from './guest-state.js';
import { deleteGuest, requireGuest, saveGuest, stageGuest } from './guest-state.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = join(await mkdtemp(join(tmpdir(), 'knock-guests-')), 'state');
});
afterEach(async () => {
  await rm(join(stateDir, '..'), { recursive: true, force: true });
});

const profile = (chatId: string): GuestProfile => ({
  server: 'http://localhost:8080',
  token: 'guest-token',
  user: { id: 'UUUUUUUUUUUUUUUUUUUUUU', username: '', displayName: '' },
  chatId,
  name: 'Sam',
  hostName: 'Ana’s Bakery',
});
const FIRST = 'AAAAAAAAAAAAAAAAAAAAAA';
const SECOND = 'BBBBBBBBBBBBBBBBBBBBBB';

async function joined(chatId: string): Promise<void> {
  await saveGuest(stateDir, await stageGuest(stateDir), profile(chatId));
}

describe('guest state', () => {
  it('keeps each guest chat private in its own directory and makes the last one current', async () => {
    await joined(FIRST);
    await joined(SECOND);
    const guests = join(stateDir, 'guests');
    expect((await readdir(guests)).sort()).toEqual([FIRST, SECOND, 'current.json']);
    expect((await stat(guests)).mode & 0o777).toBe(0o700);
    expect((await stat(join(guests, FIRST))).mode & 0o777).toBe(0o700);
    expect((await stat(join(guests, FIRST, 'guest.json'))).mode & 0o777).toBe(0o600);
    const current = await requireGuest(stateDir, undefined);
    expect(current.profile).toEqual(profile(SECOND));
    expect(current.files).toMatchObject({
      keys: join(guests, SECOND, 'keys.json'),
      store: join(guests, SECOND, 'store.json'),
    });
    expect((await requireGuest(stateDir, FIRST)).profile.chatId).toBe(FIRST);
  });

  it('falls back to the only guest chat, and asks which when there are several', async () => {
    await joined(FIRST);
    await joined(SECOND);
    await deleteGuest(stateDir, SECOND);
    expect((await requireGuest(stateDir, undefined)).profile.chatId).toBe(FIRST);
    await joined(SECOND);
    await rm(join(stateDir, 'guests', 'current.json'));
    await expect(requireGuest(stateDir, undefined)).rejects.toMatchObject({ code: 'usage' });
  });

  it('says how to join when there is none, and refuses what is not a chat id', async () => {
    await expect(requireGuest(stateDir, undefined)).rejects.toMatchObject({
      code: 'no_guest_chat',
    });
    await expect(requireGuest(stateDir, SECOND)).rejects.toMatchObject({
      code: 'chat_not_found',
    });
    await expect(requireGuest(stateDir, '../../etc')).rejects.toMatchObject({ code: 'usage' });
    await expect(deleteGuest(stateDir, '..')).rejects.toMatchObject({ code: 'usage' });
  });
});
