import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { newId } from '../ids.js';
import { LocalBus, type Bus } from './bus.js';

/**
 * Redis pub/sub fan-out. Events reach local subscribers synchronously and other nodes through
 * Redis; each node ignores its own echo. Events are wake-up hints only, so one lost while Redis
 * is away costs latency, never a message. `parse` validates what arrives from other nodes.
 */
export class RedisBus<T> implements Bus<T> {
  private readonly local = new LocalBus<T>();
  private readonly node = newId();
  private readonly recovered: (() => void)[] = [];
  private subscribedOnce = false;
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly parse: (raw: unknown) => T | undefined,
    private readonly log: Logger,
    namespace: string,
  ) {
    this.channel = `${namespace}:events`;
    // Both connections retry on their own; until then events are lost hints, not lost messages.
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    // ioredis re-subscribes by itself after a reconnect; each 'ready' after the first one ends an
    // outage during which other nodes' events went missing.
    subscriber.on('ready', () => {
      if (this.subscribedOnce) for (const handler of this.recovered) handler();
      this.subscribedOnce = true;
    });
    subscriber
      .subscribe(this.channel)
      .catch((error: unknown) => log.warn({ err: error }, 'bus subscribe failed'));
  }

  publish(event: T): void {
    this.local.publish(event);
    this.publisher.publish(this.channel, JSON.stringify({ node: this.node, event })).catch(() => {
      // Lost hint: other nodes catch up from the database on their next read.
    });
  }

  subscribe(handler: (event: T) => void): void {
    this.local.subscribe(handler);
  }

  onRecovered(handler: () => void): void {
    this.recovered.push(handler);
  }

  healthy(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
    return Promise.resolve();
  }

  private receive(text: string): void {
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof envelope !== 'object' || envelope === null) return;
    const { node, event } = envelope as { node?: unknown; event?: unknown };
    if (node === this.node) return;
    const parsed = this.parse(event);
    if (parsed === undefined) {
      this.log.warn('ignored a malformed bus event');
      return;
    }
    this.local.publish(parsed);
  }
}
