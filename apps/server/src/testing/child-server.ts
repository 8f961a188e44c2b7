import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './test-server.js';

/** The compiled server (`npm run build`), the same file `npm start` runs. */
export const serverEntry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export const serverBuilt = (): boolean => existsSync(serverEntry);

const READY_TIMEOUT_MS = 20_000;

/**
 * The real server as a child process, for faults a test cannot inject in-process: `kill -9`,
 * then a restart on the same port and database file.
 */
export class ChildServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts the compiled server with `env` (a database, limits) and waits until it is ready. */
  static async start(env: Record<string, string>): Promise<ChildServer> {
    const server = new ChildServer(await freePort(), env);
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/api/ws`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Spawns the server (again) and resolves once /readyz answers 200. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('the server is still running');
    // Only what the server needs: no KNOCK_* settings leak in from the test's environment.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('KNOCK_')),
    );
    const child = spawn(process.execPath, [serverEntry], {
      env: {
        ...inherited,
        PORT: String(this.port),
        KNOCK_HOST: '127.0.0.1',
        KNOCK_PUBLIC_URL: this.url,
        KNOCK_LOG_LEVEL: 'silent',
        ...this.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    await this.ready(child);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed that was not already on disk. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the graceful shutdown `npm start` gets from a service manager. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await this.exited;
  }

  /** Polls /readyz with short, bounded retries until the child answers, or fails on its exit. */
  private async ready(child: ChildProcess): Promise<void> {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`the server exited on start: ${this.stderr.slice(0, 2000)}`);
      if (performance.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the server was not ready in ${READY_TIMEOUT_MS} ms`);
      }
      try {
        const response = await fetch(`${this.url}/readyz`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise<void>((resolve) => setTimeout(resolve, 10));
    }
  }
}
