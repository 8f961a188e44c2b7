import type { CryptoBackend } from '@knock/crypto/backend';
import { encodeBase64url } from '@knock/crypto/base64url';
import { verifyBundle } from '@knock/crypto/bundle';
import { bundleFromJSON } from '@knock/crypto/bundle-codec';
import { constantTimeEqual } from '@knock/crypto/bytes';
import { acceptOptionsFor, withoutUsedPrekeys } from '@knock/crypto/device-keys';
import { CryptoError } from '@knock/crypto/errors';
import type { PublicIdentity } from '@knock/crypto/identity';
import { acceptInitialMessage } from '@knock/crypto/pqxdh-responder';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { decrypt, encrypt } from '@knock/crypto/session';
import type { SessionState } from '@knock/crypto/session-state';
import { decodeMessage } from '@knock/crypto/wire-message';
import type { PrekeyBundleResponse } from '@knock/protocol/keys';
import type { PayloadCodec } from './codec.js';
import { KnockError } from './errors.js';
import type { KeyStore } from './key-store.js';

/** The peer of a direct chat, as the chat list names it. */
export interface ChatPeer {
  id: string;
  username: string;
}

export interface E2eeCodecOptions {
  crypto: CryptoBackend;
  store: KeyStore;
  /** Takes a prekey bundle of a user from the key directory (`HttpClient.takeBundle`). */
  takeBundle(username: string): Promise<PrekeyBundleResponse>;
  /** The other member of a chat. */
  peerOf(chatId: string): Promise<ChatPeer>;
  /** Whether new session keys may be exported (Node file stores); browsers keep them sealed. */
  extractable: boolean;
}

/**
 * The end-to-end encrypted PayloadCodec: one Double Ratchet session per peer, started with PQXDH
 * from the peer's bundle on the first message either way. Every new state is stored before the
 * ciphertext is handed out or the plaintext returned; one peer's operations run one at a time.
 * A peer's identity is pinned on first use; a different one stops that peer (`identity_changed`)
 * until `acceptIdentity`. Any cryptographic failure throws and changes nothing.
 */
export class E2eeCodec implements PayloadCodec {
  readonly #options: E2eeCodecOptions;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: E2eeCodecOptions) {
    this.#options = options;
  }

  async encode(chatId: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const peer = await this.#options.peerOf(chatId);
    return this.#serial(peer.id, async () => {
      const { crypto, store } = this.#options;
      await this.#requireTrusted(peer.id);
      const session = (await store.loadSession(peer.id)) ?? (await this.#start(peer));
      const { state, message } = await encrypt(crypto, session, plaintext);
      await store.saveSession(peer.id, state);
      return message;
    });
  }

  async decode(_chatId: string, senderId: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.#serial(senderId, async () => {
      const { crypto, store } = this.#options;
      await this.#requireTrusted(senderId);
      const parsed = decodeMessage(ciphertext);
      const session = await store.loadSession(senderId);
      if (parsed.type === 'initial' && !(session && isSameAgreement(session, parsed))) {
        const device = await store.loadDevice();
        if (!device) throw new CryptoError('unknown_prekey', 'this device has no keys yet');
        const options = acceptOptionsFor(device, parsed, {
          extractable: this.#options.extractable,
        });
        // Decrypting proves the sender holds that identity; only then is it compared with the pin.
        const accepted = await acceptInitialMessage(crypto, options, parsed);
        await this.#checkIdentity(senderId, parsed.initiator, 0);
        await store.saveSession(
          senderId,
          accepted.state,
          withoutUsedPrekeys(device, accepted.usedPrekeys),
        );
        return accepted.plaintext;
      }
      if (!session) throw new CryptoError('session_mismatch', 'no session with this sender');
      const result = await decrypt(crypto, session, ciphertext);
      await store.saveSession(senderId, result.state);
      return result.plaintext;
    });
  }

  /** The user has compared the new safety number: the peer's current identity is trusted. */
  async acceptIdentity(peerId: string): Promise<void> {
    const pin = await this.#options.store.loadPin(peerId);
    if (pin && !pin.accepted) await this.#options.store.savePin(peerId, { ...pin, accepted: true });
  }

  /**
   * The directory says the peer published a new identity (`identity_changed`): the session goes,
   * the new identity is fetched and verified, and the peer stays stopped until `acceptIdentity`
   * — its safety number can be shown from `KeyStore.loadPin` meanwhile.
   */
  async identityChanged(peer: ChatPeer, identityVersion: number): Promise<void> {
    await this.#serial(peer.id, async () => {
      const { store } = this.#options;
      const pin = await store.loadPin(peer.id);
      if (pin && pin.identityVersion >= identityVersion) return;
      await store.deleteSession(peer.id);
      const current = await this.#verifiedBundle(peer);
      await this.#checkIdentity(peer.id, current.bundle.identity, current.identityVersion).catch(
        (error: unknown) => {
          if (!(error instanceof KnockError && error.code === 'identity_changed')) throw error;
        },
      );
    });
  }

  async #start(peer: ChatPeer): Promise<SessionState> {
    const { crypto, store } = this.#options;
    const device = await store.loadDevice();
    if (!device) throw new CryptoError('unknown_prekey', 'this device has no keys yet');
    const { bundle, identityVersion } = await this.#verifiedBundle(peer);
    await this.#checkIdentity(peer.id, bundle.identity, identityVersion);
    return initiateSession(crypto, {
      identity: device.identity,
      bundle,
      expectedSigningKey: bundle.identity.signingKey,
      extractable: this.#options.extractable,
    });
  }

  /** The peer's bundle, signatures checked: only a well-signed identity is pinned or reported. */
  async #verifiedBundle(peer: ChatPeer) {
    const taken = await this.#options.takeBundle(peer.username);
    const bundle = bundleFromJSON(taken.bundle);
    await verifyBundle(this.#options.crypto, bundle);
    return { bundle, identityVersion: taken.identityVersion };
  }

  /** Pins a first identity; a different one than pinned stops the peer until accepted. */
  async #checkIdentity(peerId: string, identity: PublicIdentity, version: number) {
    const { store } = this.#options;
    const signingKey = encodeBase64url(identity.signingKey);
    const pin = await store.loadPin(peerId);
    if (!pin) {
      await store.savePin(peerId, { signingKey, identityVersion: version, accepted: true });
      return;
    }
    if (pin.signingKey === signingKey) return;
    await store.deleteSession(peerId);
    await store.savePin(peerId, {
      signingKey,
      identityVersion: Math.max(version, pin.identityVersion + 1),
      accepted: false,
    });
    throw new KnockError('identity_changed');
  }

  async #requireTrusted(peerId: string): Promise<void> {
    const pin = await this.#options.store.loadPin(peerId);
    if (pin && !pin.accepted) throw new KnockError('identity_changed');
  }

  #serial<T>(peerId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(peerId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.#queues.set(peerId, settled);
    void settled.then(() => {
      if (this.#queues.get(peerId) === settled) this.#queues.delete(peerId);
    });
    return run;
  }
}

function isSameAgreement(session: SessionState, message: { keyAgreementBytes: Uint8Array }) {
  const accepted = session.acceptedKeyAgreement;
  return accepted !== null && constantTimeEqual(accepted, message.keyAgreementBytes);
}
