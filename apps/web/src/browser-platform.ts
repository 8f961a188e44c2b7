import { IndexedDbHistory } from '@knock/client/indexeddb-history.browser';
import { IndexedDbKeyStore } from '@knock/client/indexeddb-key-store.browser';
import { IndexedDbStore } from '@knock/client/indexeddb-store.browser';
import { createWebSocketFactory } from '@knock/client/web-socket-adapter';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import type { WebPlatform } from './web-platform.js';

/** The web app in a browser: each account's keys, outbox and history in IndexedDB. */
export function browserPlatform(): WebPlatform {
  return {
    origin: location.origin,
    crypto: webCryptoBackend,
    socketFactory: createWebSocketFactory(WebSocket),
    async openStorage(userId) {
      void navigator.storage?.persist?.().catch(() => false);
      return {
        store: await IndexedDbStore.open(`knock-store-${userId}`),
        keys: await IndexedDbKeyStore.open(`knock-keys-${userId}`),
        history: await IndexedDbHistory.open(`knock-history-${userId}`),
        extractable: false,
      };
    },
  };
}
