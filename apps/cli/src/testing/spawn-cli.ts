import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The compiled CLI; end-to-end tests assume `tsc -b apps/cli` has run (npm test builds first). */
export const KNOCK_BIN = fileURLToPath(new URL('../../bin/knock.js', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
}

function start(
  args: readonly string[],
  env: Record<string, string> = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [KNOCK_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
}

/** Runs `knock …` to completion. */
export async function runKnock(
  args: readonly string[],
  options: RunOptions = {},
): Promise<Finished> {
  const child = start(args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** A long-running `knock …` whose stdout is read line by line. */
export class RunningKnock {
  readonly lines: string[] = [];
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  #stderr = '';
  readonly #closed: Promise<Finished>;

  constructor(args: readonly string[], env: Record<string, string> = {}) {
    this.#child = start(args, env);
    this.#child.stdin.end();
    this.#child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      this.lines.push(line);
      for (const waiter of [...this.#waiters]) {
        if (!waiter.match(line)) continue;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    });
    this.#closed = once(this.#child, 'close').then(([code]) => ({
      code: code as number | null,
      stdout: this.lines.join('\n'),
      stderr: this.#stderr,
    }));
  }

  /** Resolves with the first line (already printed or still to come) that matches. */
  line(match: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match, resolve });
      void this.#closed.then((finished) =>
        reject(
          new Error(`knock exited (${finished.code}) before the line appeared: ${finished.stderr}`),
        ),
      );
    });
  }

  /** Resolves with the first JSON line whose object satisfies `match`. */
  async json(match: (value: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const parse = (line: string): Record<string, unknown> | undefined => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    const line = await this.line((candidate) => {
      const value = parse(candidate);
      return value !== undefined && match(value);
    });
    return parse(line) ?? {};
  }

  /** Waits for the process to exit by itself. */
  exited(): Promise<Finished> {
    return this.#closed;
  }

  /** Sends SIGINT and waits for the process to exit. */
  interrupt(): Promise<Finished> {
    this.#child.kill('SIGINT');
    return this.#closed;
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }
}
