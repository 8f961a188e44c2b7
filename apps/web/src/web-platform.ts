import type { CryptoBackend } from '@knock/crypto/backend';
import type { MessageHistory } from '@knock/client/history';
import type { FetchLike } from '@knock/client/http-client';
import type { KeyStore } from '@knock/client/key-store';
import type { SocketFactory } from '@knock/client/socket';
import type { ClientStore } from '@knock/client/store';

/** One account's storage on this device. */
export interface AccountStorage {
  store: ClientStore;
  keys: KeyStore;
  history: MessageHistory;
  extractable: boolean;
}

/** What the web app needs from its surroundings: a browser's, or memory and Node's in tests. */
export interface WebPlatform {
  origin: string;
  crypto: CryptoBackend;
  socketFactory: SocketFactory;
  openStorage(userId: string): Promise<AccountStorage>;
  fetch?: FetchLike;
}
