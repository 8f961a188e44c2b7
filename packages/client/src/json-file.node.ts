// Node-only: one JSON document in a private file, shared safely by this process's calls and by
// other processes (the file stores of the CLI and bots).
import { dirname } from 'node:path';
import { ensurePrivateDirectory, readFileIfExists, writeFileAtomic } from './atomic-file.node.js';
import { withFileLock } from './file-lock.node.js';
import { Serial } from './serial.js';

/**
 * A JSON document in a file, mode 0600, in a 0700 directory. Reads parse it afresh; an update
 * re-reads it and replaces it atomically (temporary file, fsync, rename) under a lock file, so
 * several processes may share it and a crash leaves the old or the new document, never a mix.
 * Calls of one instance run one after another, in call order.
 */
export class JsonFile<T> {
  readonly path: string;
  readonly #parse: (json: unknown) => T | undefined;
  readonly #empty: () => T;
  readonly #what: string;
  readonly #serial = new Serial();

  /** `parse` returns undefined for a document of the wrong shape; `what` names it in errors. */
  constructor(path: string, what: string, parse: (json: unknown) => T | undefined, empty: () => T) {
    this.path = path;
    this.#what = what;
    this.#parse = parse;
    this.#empty = empty;
  }

  read(): Promise<T> {
    return this.#serial.run(() => this.#read());
  }

  /** Applies `mutate` to a fresh read and writes the result back when it reports a change. */
  update(mutate: (document: T) => boolean): Promise<void> {
    return this.#serial.run(async () => {
      await ensurePrivateDirectory(dirname(this.path));
      await withFileLock(this.path, async () => {
        const document = await this.#read();
        if (mutate(document)) {
          await writeFileAtomic(this.path, JSON.stringify(document), 0o600);
        }
      });
    });
  }

  /** Resolves once every call made so far has finished. */
  async settled(): Promise<void> {
    await this.#serial.settled();
  }

  async #read(): Promise<T> {
    const text = await readFileIfExists(this.path);
    if (text === undefined) return this.#empty();
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      throw new Error(`The ${this.#what} ${this.path} is not valid JSON.`);
    }
    const document = this.#parse(json);
    if (document === undefined) {
      throw new Error(`The ${this.#what} ${this.path} has an unexpected shape.`);
    }
    return document;
  }
}
