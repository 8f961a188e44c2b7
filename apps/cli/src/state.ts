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

export async function loadSession(stateDir: string): Promise<Session | undefined> {
  const path = join(stateDir, SESSION_FILE);
  const text = await readFileIfExists(path);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  const result = v.safeParse(Session, json);
  if (!result.success) {
    throw new CliError('bad_state', `${path} is damaged; run \`knock login\` again.`);
  }
  return result.output;
}

export async function saveSession(stateDir: string, session: Session): Promise<void> {
  await ensurePrivateDirectory(stateDir);
  await chmod(stateDir, 0o700);
  await writeFileAtomic(
    join(stateDir, SESSION_FILE),
    `${JSON.stringify(session, null, 2)}\n`,
    0o600,
  );
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
