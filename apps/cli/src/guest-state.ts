import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PublicUser } from '@knock/protocol/http';
import { ID_PATTERN } from '@knock/protocol/limits';
import * as v from 'valibot';
import { CliError, usageError } from './errors.js';
import { ensureStateDirectory, readStateFile, writeStateFile } from './state.js';

/**
 * Guest chats joined from this machine (`knock guest join`), apart from the signed-in user's
 * files. Each has a directory of its own, named by the chat id, holding its own identity, so
 * that no two hosts can tell they talk to the same guest:
 *
 *     <state dir>/guests/current.json         which guest chat `knock guest …` uses by default
 *     <state dir>/guests/<chat id>/guest.json  server, token, the guest's and the host's names
 *     <state dir>/guests/<chat id>/keys.json   the guest's keys for this chat (FileKeyStore)
 *     <state dir>/guests/<chat id>/store.json  outbox, cursors, the link's name (FileStore)
 *
 * Every file is 0600 and every directory 0700: the token and the keys are secrets.
 */
export const GuestProfile = v.object({
  server: v.string(),
  /** The guest's bearer token: valid for this chat only, until it ends, expires or is blocked. */
  token: v.string(),
  user: PublicUser,
  chatId: v.pipe(v.string(), v.regex(ID_PATTERN)),
  /** The name this guest gave; the host sees it with "(Guest)" beside it. */
  name: v.string(),
  /** The name the host chose for the link, from the bundle the host signed. */
  hostName: v.string(),
});
export type GuestProfile = v.InferOutput<typeof GuestProfile>;

const Current = v.object({ chatId: v.pipe(v.string(), v.regex(ID_PATTERN)) });

export interface GuestFiles {
  dir: string;
  profile: string;
  keys: string;
  store: string;
}

/** A guest chat on this machine. */
export interface Guest {
  profile: GuestProfile;
  files: GuestFiles;
}

const guestsDir = (stateDir: string): string => join(stateDir, 'guests');
const currentPath = (stateDir: string): string => join(guestsDir(stateDir), 'current.json');

export function guestFiles(dir: string): GuestFiles {
  return {
    dir,
    profile: join(dir, 'guest.json'),
    keys: join(dir, 'keys.json'),
    store: join(dir, 'store.json'),
  };
}

function guestDir(stateDir: string, chatId: string): string {
  // The id names a directory: anything but an id (`../x`) never reaches the file system.
  if (!ID_PATTERN.test(chatId)) throw usageError(`Not a chat id: ${chatId}`);
  return join(guestsDir(stateDir), chatId);
}

/** A private directory to join in; the chat id that names its final place is not known yet. */
export async function stageGuest(stateDir: string): Promise<GuestFiles> {
  const dir = join(guestsDir(stateDir), `.joining-${randomBytes(6).toString('hex')}`);
  await ensureStateDirectory(stateDir);
  await ensureStateDirectory(dir);
  return guestFiles(dir);
}

/**
 * Saves the joined guest in the staged directory, moves it in place and makes it current; returns
 * its files in their place.
 */
export async function saveGuest(
  stateDir: string,
  staged: GuestFiles,
  profile: GuestProfile,
): Promise<GuestFiles> {
  const dir = guestDir(stateDir, profile.chatId);
  await writeStateFile(staged.profile, profile);
  await rename(staged.dir, dir);
  await writeStateFile(currentPath(stateDir), { chatId: profile.chatId });
  return guestFiles(dir);
}

/** Forgets a guest chat on this machine: token, keys and history. */
export async function deleteGuest(stateDir: string, chatId: string): Promise<void> {
  await rm(guestDir(stateDir, chatId), { recursive: true, force: true });
  const current = await readStateFile(currentPath(stateDir), Current, 'remove it').catch(
    () => undefined,
  );
  if (current?.chatId === chatId) await rm(currentPath(stateDir), { force: true });
}

/**
 * The guest chat `--chat` names, else the current one, else the only one on this machine; with
 * its files. Fails with a sentence saying what to do when there is none.
 */
export async function requireGuest(stateDir: string, chatId: string | undefined): Promise<Guest> {
  const id = chatId ?? (await defaultGuest(stateDir));
  if (id === undefined) {
    throw new CliError(
      'no_guest_chat',
      'No guest chat on this machine. Join one with `knock guest join <link> --name <name>`.',
    );
  }
  const files = guestFiles(guestDir(stateDir, id));
  const fix = `remove ${files.dir} and join again`;
  const profile = await readStateFile(files.profile, GuestProfile, fix);
  if (!profile) throw new CliError('chat_not_found', `No guest chat ${id} on this machine.`);
  return { profile, files };
}

async function defaultGuest(stateDir: string): Promise<string | undefined> {
  const current = await readStateFile(currentPath(stateDir), Current, 'remove it');
  if (current) return current.chatId;
  const entries = await readdir(guestsDir(stateDir)).catch(() => []);
  const joined = entries.filter((entry) => ID_PATTERN.test(entry));
  if (joined.length > 1) {
    throw usageError(
      `${joined.length} guest chats are on this machine; name one with --chat <id>: ${joined.join(', ')}`,
    );
  }
  return joined[0];
}
