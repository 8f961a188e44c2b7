import { FileKeyStore } from '@knock/client/file-key-store.node';
import type { FetchLike } from '@knock/client/http-client';
import type { KeyStore } from '@knock/client/key-store';
import { KnockClient } from '@knock/client/knock-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import type { ClientStore } from '@knock/client/store';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import type { CryptoBackend } from '@knock/crypto/backend';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';

export const PASSWORD = 'correct horse battery staple';

export interface DeviceOptions {
  /** Defaults to WebCrypto. */
  crypto?: CryptoBackend;
  /** Defaults to memory with sealed keys; a FileKeyStore gets extractable ones. */
  keys?: KeyStore;
  store?: ClientStore;
  receive?: boolean;
  token?: string;
  fetch?: FetchLike;
}

/** An end-to-end encrypted client of the server at `serverUrl`, quick to reconnect and to ack. */
export function e2eeDevice(serverUrl: string, options: DeviceOptions = {}): KnockClient {
  const keys = options.keys ?? new MemoryKeyStore();
  return new KnockClient({
    serverUrl,
    socketFactory: createNodeSocketFactory(),
    e2ee: {
      crypto: options.crypto ?? webCryptoBackend,
      keys,
      extractable: keys instanceof FileKeyStore,
    },
    backoff: { baseMs: 5, capMs: 50 },
    ackDelayMs: 0,
    ...(options.store && { store: options.store }),
    ...(options.receive !== undefined && { receive: options.receive }),
    ...(options.token !== undefined && { token: options.token }),
    ...(options.fetch && { fetch: options.fetch }),
  });
}

/** Registers `username` (unless the account exists) and signs `client` in as that user. */
export async function signIn(
  client: KnockClient,
  username: string,
  displayName?: string,
): Promise<void> {
  await client.register(username, PASSWORD, displayName).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 'username_taken') throw error;
  });
  await client.login(username, PASSWORD);
}
