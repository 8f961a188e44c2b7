import { chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ensurePrivateDirectory,
  readFileIfExists,
  writeFileAtomic,
} from '@knock/client/atomic-file.node';
import { PublicUser } from '@knock/protocol/http';
import * as v from 'valibot';
import { CliError } from './errors.js';

/** What `knock login` leaves behind. The token is a secret: the file is 0600 in a 0700 directory. */
export const Session = v.object({
  server: v.string(),
  token: v.string(),
  user: PublicUser,
});
export type Session = v.InferOutput<typeof Session>;

const SESSION_FILE = 'session.json';

/**
 * Reads a JSON state file of the given shape: undefined when it does not exist, a `bad_state`
 * error saying how to `fix` it when it is damaged.
 */
export async function readStateFile<T>(
  path: string,
  schema: v.GenericSchema<unknown, T>,
  fix: string,
): Promise<T | undefined> {
  const text = await readFileIfExists(path);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  const result = v.safeParse(schema, json);
  if (!result.success) throw new CliError('bad_state', `${path} is damaged; ${fix}.`);
  return result.output;
}

/** Creates `dir` (and the state directory above it) private to the user: 0700. */
export async function ensureStateDirectory(dir: string): Promise<void> {
  await ensurePrivateDirectory(dir);
  await chmod(dir, 0o700);
}

/** Writes a JSON state file atomically, 0600; its directory must exist. */
export async function writeStateFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

export function loadSession(stateDir: string): Promise<Session | undefined> {
  return readStateFile(join(stateDir, SESSION_FILE), Session, 'run `knock login` again');
}

export async function saveSession(stateDir: string, session: Session): Promise<void> {
  await ensureStateDirectory(stateDir);
  await writeStateFile(join(stateDir, SESSION_FILE), session);
}

export async function deleteSession(stateDir: string): Promise<void> {
  await rm(join(stateDir, SESSION_FILE), { force: true });
}

/** The session, or a clear error telling the user to log in. */
export async function requireSession(stateDir: string): Promise<Session> {
  const session = await loadSession(stateDir);
  if (!session)
    throw new CliError('unauthorized', 'Not logged in. Run `knock login <username>` first.');
  return session;
}

/** The outbox and cursors of one user on one machine. */
export function storePath(stateDir: string, session: Session): string {
  return join(stateDir, `store-${session.user.id}.json`);
}

/**
 * The end-to-end keys of one user on one machine: private keys, sessions and pinned identities,
 * as secret as the session file (0600 in the 0700 state directory).
 */
export function keysPath(stateDir: string, session: Session): string {
  return join(stateDir, `keys-${session.user.id}.json`);
}
