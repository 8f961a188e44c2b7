import { PassThrough } from 'node:stream';
import type { CliIo } from '../io.js';

export interface FakeIo extends CliIo {
  stdin: PassThrough & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  out(): string;
  err(): string;
  interrupt(): void;
}

/** In-memory stdio for running commands in-process. */
export function fakeIo(env: Record<string, string> = {}, stdinText?: string): FakeIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let outText = '';
  let errText = '';
  stdout.on('data', (chunk: Buffer) => (outText += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  if (stdinText !== undefined) stdin.end(stdinText);
  let interrupt: (signal: string) => void = () => undefined;
  const interrupted = new Promise<string>((resolve) => (interrupt = resolve));
  return {
    stdout,
    stderr,
    stdin,
    env,
    interrupted: () => interrupted,
    out: () => outText,
    err: () => errText,
    interrupt: () => interrupt('SIGINT'),
  };
}
