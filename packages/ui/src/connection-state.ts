import { signal, type ReadonlySignal } from '@preact/signals';
import type { KnockClient } from '@knock/client/knock-client';
import type { ConnectionState } from '@knock/client/connection';

/** The client's connection state as a signal, and a function that stops following it. */
export function connectionState(
  client: Pick<KnockClient, 'on' | 'state'>,
): [ReadonlySignal<ConnectionState>, () => void] {
  const state = signal(client.state);
  const off = client.on('state', (change) => {
    state.value = change.state;
  });
  return [state, off];
}
