import type { CryptoBackend } from '@knock/crypto/backend';
import { decodeBase64url } from '@knock/crypto/base64url';
import { publicIdentity } from '@knock/crypto/identity';
import { formatSafetyNumber, safetyNumber } from '@knock/crypto/safety-number';
import type { ChatSummary } from '@knock/protocol/http';
import type { ChatPeer } from './e2ee-codec.js';
import { E2eeCodec } from './e2ee-codec.js';
import { isKnockError, KnockError } from './errors.js';
import { HostInvites } from './host-invites.js';
import type { HttpClient } from './http-client.js';
import type { KeyStore } from './key-store.js';
import type { Logger } from './logger.js';
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
  readonly invites: HostInvites;
  readonly #options: EndToEndOptions;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  /** Keys not yet confirmed on the directory: the server was unreachable at `connect`. */
  #keysPending = false;

  constructor(
    options: EndToEndOptions,
    http: HttpClient,
    logger: Logger,
    peerOf: (chatId: string) => Promise<ChatPeer>,
  ) {
    this.#options = options;
    this.#http = http;
    this.#logger = logger;
    const { crypto, keys, extractable } = options;
    this.invites = new HostInvites({ crypto, keys, http, origin: http.baseUrl, extractable });
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

  get keysPending(): boolean {
    return this.#keysPending;
  }

  /** Before connecting: a server that cannot be reached now gets the keys once online. */
  async publishBeforeConnect(): Promise<void> {
    try {
      await this.publishKeys();
      this.#keysPending = false;
    } catch (error) {
      if (!isKnockError(error) || error.code !== 'network_error') throw error;
      this.#keysPending = true;
      this.#logger.warn('keys not published yet: the server is unreachable');
    }
  }

  /** Publishes or tops up keys in the background (after `keys_low`, or once back online). */
  async refreshKeys(): Promise<void> {
    try {
      await this.publishKeys();
      this.#keysPending = false;
    } catch (error) {
      this.#logger.warn('could not publish keys', { error: String(error) });
    }
  }

  /**
   * The directory's `identity_changed` for the peer of `chats`: the ids of the chats now stopped
   * until the user accepts the new key (none when the key is still the pinned one).
   */
  async identityChanged(chats: readonly ChatSummary[], identityVersion: number): Promise<string[]> {
    const first = chats[0];
    if (!first) return [];
    const { id, username } = first.peer;
    await this.codec.identityChanged({ id, username, identityVersion }, identityVersion);
    const pin = await this.#options.keys.loadPin(id);
    return pin?.accepted === false ? chats.map((chat) => chat.id) : [];
  }

  /** Drops the sessions with a peer no chat needs any more (a guest chat's other side). */
  async forgetPeer(peerId: string): Promise<void> {
    const { keys } = this.#options;
    await keys.exclusive(() => keys.deleteSessions(peerId));
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
