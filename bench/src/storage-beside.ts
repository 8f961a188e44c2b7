import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LatencySummary } from './stats.js';

/**
 * The storage floor: Knock's own write path run in a process of its own (storage-load.ts) beside
 * the bare relay, committing the same rate of sends and acks that the latency scenario asks of
 * Knock, but coupled to no frame. The relay's latency then shows what the machine can give any
 * server that stores each message durably, before that server has made a single frame wait for
 * a commit.
 */
export interface StorageLoadFigures {
  seconds: number;
  sendsPerSecond: number;
  cursorWritesPerSecond: number;
  /** Writes the queue refused or failed (none expected). */
  refused: number;
  /** Group commits: how long each took, in ms, from the write queue's side. */
  commits: LatencySummary;
  /** CPU of the whole process (event loop, writer and checkpointer threads), % of one core. */
  cpuPercent: number;
}

export type StorageLoadMessage =
  | { type: 'ready' }
  | { type: 'go' }
  | { type: 'stop' }
  | { type: 'figures'; figures: StorageLoadFigures };

const LOAD_MAIN = fileURLToPath(new URL('./storage-load.js', import.meta.url));

export interface StorageBeside {
  /** Stops the load and resolves with what it did. */
  stop(): Promise<StorageLoadFigures>;
}

/** Starts the storage load on a fresh SQLite file and resolves once it is committing. */
export async function startStorageBeside(options: {
  file: string;
  chats: number;
  rate: number;
  payloadBytes: number;
  /** The child's entry point; the built storage-load.js beside this module by default. */
  main?: string;
}): Promise<StorageBeside> {
  removeDatabase(options.file);
  const child = fork(
    options.main ?? LOAD_MAIN,
    [options.file, String(options.chats), String(options.rate), String(options.payloadBytes)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await Promise.race([
    next(child, 'ready'),
    exited.then((code) => Promise.reject(new Error(`the storage load exited (${code})`))),
  ]);
  send(child, { type: 'go' });
  return {
    async stop() {
      const figures = next(child, 'figures');
      send(child, { type: 'stop' });
      const result = await Promise.race([
        figures,
        exited.then((code) => Promise.reject(new Error(`the storage load exited (${code})`))),
      ]);
      await exited;
      removeDatabase(options.file);
      return result.figures;
    },
  };
}

function send(child: ChildProcess, message: StorageLoadMessage): void {
  child.send(message);
}

function next<T extends StorageLoadMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<StorageLoadMessage, { type: T }>> {
  return new Promise((resolve) => {
    const listen = (message: StorageLoadMessage) => {
      if (message.type !== type) return;
      child.off('message', listen);
      resolve(message as Extract<StorageLoadMessage, { type: T }>);
    };
    child.on('message', listen);
  });
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
