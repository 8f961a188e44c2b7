import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';

/** A listener may return a promise; `emit` waits for it before the event counts as handled. */
export type Listener<T> = (payload: T) => void | Promise<void>;

/**
 * A small typed event emitter. `Events` maps each event name to its payload type. Listener errors
 * are logged and do not stop the other listeners or the emitter's owner.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger = silentLogger) {
    this.#logger = logger;
  }

  /** Adds a listener and returns a function that removes it again. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** The number of listeners for an event. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /**
   * Calls every listener of `event` in the order they were added and resolves once all of them,
   * including any promises they returned, have finished.
   */
  async emit<K extends keyof Events>(event: K, payload: Events[K]): Promise<void> {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    const pending: Promise<void>[] = [];
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        const result = listener(payload);
        if (result) pending.push(result.catch((error: unknown) => this.#report(event, error)));
      } catch (error) {
        this.#report(event, error);
      }
    }
    if (pending.length > 0) await Promise.all(pending);
  }

  #report(event: keyof Events, error: unknown): void {
    this.#logger.error('event listener failed', { event: String(event), error: String(error) });
  }
}
