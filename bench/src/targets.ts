import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WS_PATH } from '@knock/protocol/limits';

/** A server under test running as a child process: the real Knock server or the bare relay. */
export interface Target {
  readonly kind: TargetKind;
  readonly pid: number;
  readonly httpUrl: string;
  readonly wsUrl: string;
  /** The last lines the child wrote (warnings and errors only; logs run at `warn`). */
  readonly logTail: string[];
  /** Graceful stop (SIGTERM), then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

export type TargetKind = 'knock' | 'bare';

const HOST = '127.0.0.1';
const SERVER_MAIN = fileURLToPath(new URL('../../apps/server/dist/main.js', import.meta.url));
const RELAY_MAIN = fileURLToPath(new URL('./bare-relay.js', import.meta.url));

/**
 * The limits a benchmark from one IP must lift: every client comes from 127.0.0.x and each sends
 * far more than an interactive user. Raising them measures capacity, not the abuse limits.
 */
export const RAISED_LIMITS: Readonly<Record<string, string>> = {
  KNOCK_LIMIT_CONNECTIONS_PER_IP: '1000000',
  KNOCK_LIMIT_CONNECTIONS_TOTAL: '1000000',
  KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE: '10000000',
  KNOCK_LIMIT_FRAMES_PER_SECOND: '1000000',
  KNOCK_LIMIT_REGISTRATIONS_PER_IP_HOUR: '1000000',
  KNOCK_LIMIT_LOGIN_FAILURES_PER_IP_DAY: '10000000',
};

export interface KnockOptions {
  databaseFile: string;
  /** Server entry point; the workspace build by default. */
  serverMain?: string | undefined;
  /** Directory for a V8 CPU profile (`node --cpu-prof`), or undefined for none. */
  cpuProfileDir?: string | undefined;
  /** More Node flags for the server's process. */
  nodeFlags?: readonly string[] | undefined;
  /** More server settings, applied after {@link RAISED_LIMITS} (e.g. the claim limits). */
  env?: Readonly<Record<string, string>> | undefined;
}

export async function startKnock(options: KnockOptions): Promise<Target> {
  const port = await freePort();
  const nodeArgs = [
    ...(options.nodeFlags ?? []),
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  const env = {
    ...withoutKnockVariables(process.env),
    PORT: String(port),
    KNOCK_HOST: HOST,
    KNOCK_PUBLIC_URL: `http://${HOST}:${port}`,
    KNOCK_DATABASE_URL: options.databaseFile,
    KNOCK_LOG_LEVEL: 'warn',
    ...RAISED_LIMITS,
    ...options.env,
  };
  const main = options.serverMain ? resolve(options.serverMain) : SERVER_MAIN;
  return launch('knock', [...nodeArgs, main], env, port);
}

export async function startBareRelay(): Promise<Target> {
  const port = await freePort();
  const env = { ...withoutKnockVariables(process.env), PORT: String(port), HOST };
  return launch('bare', [RELAY_MAIN], env, port);
}

async function launch(
  kind: TargetKind,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<Target> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logTail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      logTail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (logTail.length > 20) logTail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const httpUrl = `http://${HOST}:${port}`;
  try {
    await waitReady(child, `${httpUrl}/readyz`, exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${kind} did not start: ${String(error)}\n${logTail.join('\n')}`, {
      cause: error,
    });
  }
  return {
    kind,
    pid: child.pid as number,
    httpUrl,
    wsUrl: `ws://${HOST}:${port}${WS_PATH}`,
    logTail,
    stop: () => stopChild(child, exited),
  };
}

async function waitReady(child: ChildProcess, url: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error('not ready after 30 s');
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function withoutKnockVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith('KNOCK_') && name !== 'PORT'),
  );
}

/** A TCP port nobody listens on at the moment (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
