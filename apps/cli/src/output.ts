import type { CliIo } from './io.js';
import { write } from './io.js';

/**
 * Where results go: in human mode one readable line per result on stdout, in `--json` mode one
 * JSON object per line. Diagnostics go to stderr in human mode and nowhere in JSON mode unless they
 * are events a script may want.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** A result or event: `human` for people, `data` for scripts. Resolves once written. */
  emit(human: string, data: Record<string, unknown>): Promise<void> {
    return write(this.io.stdout, this.json ? `${JSON.stringify(data)}\n` : `${human}\n`);
  }

  /** A note for people (stderr); nothing in JSON mode. */
  note(human: string): Promise<void> {
    return this.json ? Promise.resolve() : write(this.io.stderr, `${human}\n`);
  }

  /** A status line for people (stderr); in JSON mode an event on stdout. */
  status(human: string, data: Record<string, unknown>): Promise<void> {
    return this.json ? this.emit(human, data) : write(this.io.stderr, `${human}\n`);
  }
}
