import type { CryptoBackend } from '@knock/crypto/backend';
import type { MessageHistory } from '@knock/client/history';
import type { FetchLike } from '@knock/client/http-client';
import type { KeyStore } from '@knock/client/key-store';
import type { ProofSolver } from '@knock/client/proof-of-work';
import type { SocketFactory } from '@knock/client/socket';
import type { ClientStore } from '@knock/client/store';
import type { SavedGuests } from './saved-guests.js';

/** The storage of one guest chat. */
export interface ChatStorage {
  store: ClientStore;
  keys: KeyStore;
  history: MessageHistory;
  /** False in browsers: WebCrypto keys stay sealed (T8). */
  extractable: boolean;
}

/**
 * What the guest page needs from its surroundings: IndexedDB, a Worker and WebSocket in a
 * browser (browser-platform.ts), memory and Node's in tests.
 */
export interface GuestPlatform {
  /** This server's origin: the links it serves open here. */
  origin: string;
  crypto: CryptoBackend;
  socketFactory: SocketFactory;
  solve: ProofSolver;
  saved: SavedGuests;
  openStorage(localId: string): Promise<ChatStorage>;
  deleteStorage(localId: string): Promise<void>;
  fetch?: FetchLike;
  now(): number;
  /** Calls `listener` once when the browser says the network is back. */
  onOnline?(listener: () => void): void;
}
