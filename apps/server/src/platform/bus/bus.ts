/**
 * Fan-out between nodes. Delivery never depends on it: the database is the source of truth and
 * a node that misses an event catches up from storage. Local subscribers get every event at once;
 * other nodes get it through Redis when one is configured.
 */
export interface Bus<T> {
  publish(event: T): void;
  subscribe(handler: (event: T) => void): void;
  /**
   * Called after the cross-node transport comes back from an outage, during which events from
   * other nodes may have been lost: subscribers re-read what they care about from storage.
   */
  onRecovered(handler: () => void): void;
  /** False while the cross-node transport is down (a single-node bus is always healthy). */
  healthy(): boolean;
  close(): Promise<void>;
}

export class LocalBus<T> implements Bus<T> {
  private readonly handlers: ((event: T) => void)[] = [];

  publish(event: T): void {
    for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: (event: T) => void): void {
    this.handlers.push(handler);
  }

  onRecovered(): void {
    // A single node loses nothing: there is no transport to recover.
  }

  healthy(): boolean {
    return true;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
