import { IndexedDbHistory } from '@knock/client/indexeddb-history.browser';
import { IndexedDbKeyStore } from '@knock/client/indexeddb-key-store.browser';
import { IndexedDbStore } from '@knock/client/indexeddb-store.browser';
import { createWebSocketFactory } from '@knock/client/web-socket-adapter';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import type { GuestPlatform } from './guest-platform.js';
import { StoredGuests } from './saved-guests.js';
import { workerSolver } from './worker-solver.js';

const names = (localId: string) => ({
  store: `knock-guest-${localId}`,
  keys: `knock-guest-keys-${localId}`,
  history: `knock-guest-history-${localId}`,
});

/** The guest page in a browser: IndexedDB for each chat, sealed WebCrypto keys, a Worker. */
export function browserPlatform(): GuestPlatform {
  return {
    origin: location.origin,
    crypto: webCryptoBackend,
    socketFactory: createWebSocketFactory(WebSocket),
    solve: workerSolver,
    saved: new StoredGuests(localStorage),
    async openStorage(localId) {
      const name = names(localId);
      // Ask the browser not to evict the chat's keys under storage pressure.
      void navigator.storage?.persist?.().catch(() => false);
      return {
        store: await IndexedDbStore.open(name.store),
        keys: await IndexedDbKeyStore.open(name.keys),
        history: await IndexedDbHistory.open(name.history),
        extractable: false,
      };
    },
    async deleteStorage(localId) {
      const name = names(localId);
      await Promise.all([
        IndexedDbStore.delete(name.store),
        IndexedDbKeyStore.delete(name.keys),
        IndexedDbHistory.delete(name.history),
      ]);
    },
    now: () => Date.now(),
    onOnline: (listener) => addEventListener('online', listener, { once: true }),
  };
}
