import type { KnockClientEvents } from '../events.js';
import type { KnockClient } from '../knock-client.js';

/** Resolves with the next event of a kind that matches; no timers, only the event itself. */
export function nextEvent<K extends keyof KnockClientEvents>(
  client: KnockClient,
  event: K,
  match: (payload: KnockClientEvents[K]) => boolean = () => true,
): Promise<KnockClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Collects every event of a kind from now on. */
export function collect<K extends keyof KnockClientEvents>(
  client: KnockClient,
  event: K,
): KnockClientEvents[K][] {
  const seen: KnockClientEvents[K][] = [];
  client.on(event, (payload) => void seen.push(payload));
  return seen;
}

/** Resolves once `count` events of a kind have arrived (counting from the call). */
export function events<K extends keyof KnockClientEvents>(
  client: KnockClient,
  event: K,
  count: number,
): Promise<KnockClientEvents[K][]> {
  const seen: KnockClientEvents[K][] = [];
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      seen.push(payload);
      if (seen.length < count) return;
      off();
      resolve(seen);
    });
  });
}
