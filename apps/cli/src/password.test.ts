import { describe, expect, it } from 'vitest';
import { obtainPassword, readPasswordFromStdin } from './password.js';
import { fakeIo } from './testing/fake-io.js';

describe('passwords', () => {
  it('reads stdin and drops exactly one trailing newline', async () => {
    expect(await readPasswordFromStdin(fakeIo({}, 'secret pass\n').stdin)).toBe('secret pass');
    expect(await readPasswordFromStdin(fakeIo({}, 'secret\r\n').stdin)).toBe('secret');
    expect(await readPasswordFromStdin(fakeIo({}, ' spaced \n\n').stdin)).toBe(' spaced \n');
    await expect(readPasswordFromStdin(fakeIo({}, '').stdin)).rejects.toMatchObject({
      exitCode: 2,
    });
  });

  it('prompts on a terminal without echo, honours backspace, and confirms', async () => {
    const io = fakeIo();
    const modes: boolean[] = [];
    io.stdin.isTTY = true;
    io.stdin.setRawMode = (mode: boolean) => modes.push(mode);
    const password = obtainPassword(io, false, true);
    io.stdin.write('hunter23x\u007f\r');
    // The second prompt starts listening only after the first answer was taken.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (io.err().includes('Repeat password: ')) resolve();
        else io.stderr.once('data', check);
      };
      check();
    });
    io.stdin.write('hunter23\n');
    expect(await password).toBe('hunter23');
    expect(io.err()).toBe('Password: \nRepeat password: \n');
    expect(modes).toEqual([true, false, true, false]);
  });

  it('refuses when the confirmation differs', async () => {
    const io = fakeIo();
    io.stdin.isTTY = true;
    io.stdin.setRawMode = () => undefined;
    const password = obtainPassword(io, false, true);
    io.stdin.write('one-password\r');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (io.err().includes('Repeat')) resolve();
        else io.stderr.once('data', check);
      };
      check();
    });
    io.stdin.write('another-one\r');
    await expect(password).rejects.toMatchObject({
      message: 'The passwords do not match.',
      exitCode: 2,
    });
  });
});
