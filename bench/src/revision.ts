import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Revision {
  commit: string | undefined;
  /** Files under apps/server and packages/protocol that differ from the commit. */
  changedServerFiles: string[];
}

/** Which server code was measured: the commit, and any uncommitted changes to it. */
export function serverRevision(): Revision {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const git = (...args: string[]) => {
    const answer = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    return answer.status === 0 ? answer.stdout.trim() : undefined;
  };
  return {
    commit: git('rev-parse', 'HEAD'),
    changedServerFiles: (
      git('status', '--porcelain', '--', 'apps/server', 'packages/protocol') ?? ''
    )
      .split('\n')
      .filter((line) => line !== ''),
  };
}
