import type { CryptoBackend } from '@knock/crypto/backend';
import { decodeBase64url } from '@knock/crypto/base64url';
import { publicIdentity } from '@knock/crypto/identity';
import { formatSafetyNumber, safetyNumber } from '@knock/crypto/safety-number';
import type { ChatPeer } from './e2ee-codec.js';
import { E2eeCodec } from './e2ee-codec.js';
import { KnockError } from './errors.js';
import type { HttpClient } from './http-client.js';
import type { KeyStore } from './key-store.js';
import type { KeysOutcome } from './key-publisher.js';
import { ensureKeysPublished } from './key-publisher.js';

export interface EndToEndOptions {
  crypto: CryptoBackend;
  /** Device keys, sessions and pinned identities: FileKeyStore in Node, IndexedDB in browsers. */
  keys: KeyStore;
  /** True where keys are stored as bytes (FileKeyStore); false keeps WebCrypto keys sealed. */
  extractable: boolean;
}

/** What the user compares with a peer: the safety number, and whether it was accepted. */
export interface PeerIdentity {
  safetyNumber: string;
  accepted: boolean;
}

/**
 * The end-to-end layer of a KnockClient: its codec, the device's keys on the directory, and the
 * trust decisions about peers' identities.
 */
export class EndToEnd {
  readonly codec: E2eeCodec;
  readonly #options: EndToEndOptions;
  readonly #http: HttpClient;

  constructor(
    options: EndToEndOptions,
    http: HttpClient,
    peerOf: (chatId: string) => Promise<ChatPeer>,
  ) {
    this.#options = options;
    this.#http = http;
    this.codec = new E2eeCodec({
      crypto: options.crypto,
      store: options.keys,
      takeBundle: (username) => http.takeBundle(username),
      peerOf,
      extractable: options.extractable,
    });
  }

  /**
   * Creates and publishes this device's keys if needed and tops up its prekeys. Fails with
   * `identity_replaced` when another device published the account's identity since, unless
   * `takeOver` (the user chose this device, e.g. by signing in on it).
   */
  async publishKeys(takeOver = false): Promise<KeysOutcome> {
    const { crypto, keys, extractable } = this.#options;
    const outcome = await ensureKeysPublished(crypto, keys, this.#http, { extractable, takeOver });
    if (outcome.replaced) throw new KnockError('identity_replaced');
    return outcome;
  }

  /** The directory's `identity_changed`: true when the peer is now stopped until accepted. */
  async identityChanged(peer: ChatPeer, identityVersion: number): Promise<boolean> {
    await this.codec.identityChanged(peer, identityVersion);
    const pin = await this.#options.keys.loadPin(peer.id);
    return pin?.accepted === false;
  }

  acceptIdentity(peerId: string): Promise<void> {
    return this.codec.acceptIdentity(peerId);
  }

  /** The safety number with a peer this device has pinned, or undefined before the first message. */
  async peerIdentity(ownId: string, peerId: string): Promise<PeerIdentity | undefined> {
    const { crypto, keys } = this.#options;
    const [device, pin] = await Promise.all([keys.loadDevice(), keys.loadPin(peerId)]);
    if (!device || !pin) return undefined;
    const digits = await safetyNumber(
      crypto,
      { userId: ownId, signingKey: publicIdentity(device.identity).signingKey },
      { userId: peerId, signingKey: decodeBase64url(pin.signingKey) },
    );
    return { safetyNumber: formatSafetyNumber(digits), accepted: pin.accepted };
  }
}
