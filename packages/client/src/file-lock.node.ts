// Node-only: a lock file that serialises writers of one file across processes (e.g. `knock listen`
// and `knock send` sharing a state directory).
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { isErrno } from './atomic-file.node.js';

export interface FileLockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock file older than this belongs to a crashed process and is removed. */
  staleMs?: number;
}

/** Runs `task` while holding `${path}.lock` (created exclusively, removed afterwards). */
export async function withFileLock<T>(
  path: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      if (await isStale(lockPath, staleMs)) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for the lock ${lockPath}.`, { cause: error });
      // Another process holds the lock for a few milliseconds: poll with a growing pause.
      await delay(Math.min(5 * 2 ** Math.min(attempt, 5), 100));
    }
  }
  try {
    return await task();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

/** A lock is stale when it is old or its holder (the pid inside) is no longer running. */
async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    // An empty file is a holder between `open` and `writeFile`: give it time.
    return Number.isSafeInteger(pid) && pid > 0 && !isRunning(pid);
  } catch (error) {
    // Vanished between open and stat: not stale, just retry.
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return !isErrno(error, 'ESRCH');
  }
}
