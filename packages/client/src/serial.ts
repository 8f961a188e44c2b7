/** Runs tasks one after another in call order; a failed task does not stop the ones after it. */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every task queued so far has finished. */
  async settled(): Promise<void> {
    await this.#tail;
  }
}
