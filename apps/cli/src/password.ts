import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import { write } from './io.js';
import { readAll } from './stdin.js';

/** Reads all of stdin and drops one trailing newline (what `echo pw |` and files add). */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const password = (await readAll(stdin)).replace(/\r?\n$/, '');
  if (password === '') throw usageError('No password on stdin.');
  return password;
}

/** Prompts on the terminal without echoing what is typed. */
export async function promptPassword(io: CliIo, prompt: string): Promise<string> {
  const { stdin } = io;
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw usageError('No terminal to ask for the password: pipe it in with --password-stdin.');
  }
  await write(io.stderr, prompt);
  const setRawMode = stdin.setRawMode.bind(stdin);
  setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: Buffer | string): void => {
        for (const char of chunk.toString()) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            resolve(typed);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(usageError('Cancelled.'));
            return;
          }
          if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
          else if (char >= ' ') typed += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    setRawMode(false);
    stdin.pause();
    await write(io.stderr, '\n');
  }
}

/** --password-stdin, else a prompt (twice when `confirm`), else a usage error. */
export async function obtainPassword(
  io: CliIo,
  fromStdin: boolean,
  confirm = false,
): Promise<string> {
  if (fromStdin) return readPasswordFromStdin(io.stdin);
  const password = await promptPassword(io, 'Password: ');
  if (confirm && (await promptPassword(io, 'Repeat password: ')) !== password) {
    throw usageError('The passwords do not match.');
  }
  return password;
}
