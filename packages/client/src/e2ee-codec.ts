import type { CryptoBackend } from '@knock/crypto/backend';
import { encodeBase64url } from '@knock/crypto/base64url';
import { verifyBundle } from '@knock/crypto/bundle';
import { bundleFromJSON } from '@knock/crypto/bundle-codec';
import { constantTimeEqual } from '@knock/crypto/bytes';
import { acceptOptionsFor, withoutUsedPrekeys } from '@knock/crypto/device-keys';
import { CryptoError } from '@knock/crypto/errors';
import { linkPreSharedKey } from '@knock/crypto/guest-link';
import type { PublicIdentity } from '@knock/crypto/identity';
import type { InitialMessage } from '@knock/crypto/initial-message';
import { acceptInitialMessage } from '@knock/crypto/pqxdh-responder';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { decrypt, encrypt } from '@knock/crypto/session';
import type { SessionState } from '@knock/crypto/session-state';
import { decodeMessage } from '@knock/crypto/wire-message';
import type { PrekeyBundleResponse } from '@knock/protocol/keys';
import type { PayloadCodec } from './codec.js';
import { KnockError } from './errors.js';
import type { KeyStore, PeerPin } from './key-store.js';

/** The peer of a direct chat, as the chat list names it. */
export interface ChatPeer {
  id: string;
  username: string;
  /**
   * The peer's identity version in the directory, from the chat summary. Above the pinned one,
   * the peer's key is checked again before the next send: a live `identity_changed` may have
   * been missed while offline.
   */
  identityVersion: number;
  /**
   * In a guest chat: the key directory plays no part (the link pins the host, the guest's first
   * message pins the guest), and a session exists from that first message on or not at all.
   */
  guest?: {
    /** For the host: the invite whose keys and link secret open the guest's first message. */
    inviteId?: string;
  };
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
 * ciphertext is handed out or the plaintext returned, inside `KeyStore.exclusive`, so no two clients
 * sharing the keys advance a ratchet from the same state.
 * A peer's identity is pinned on first use; a different one stops that peer (`identity_changed`)
 * until `acceptIdentity`. Any cryptographic failure throws and changes nothing.
 */
/**
 * Sessions kept per peer: the one to send on and older ones still read from (both sides starting
 * a session at once leaves each with two until they settle on one).
 */
export const MAX_SESSIONS_PER_PEER = 5;

export class E2eeCodec implements PayloadCodec {
  readonly #options: E2eeCodecOptions;

  constructor(options: E2eeCodecOptions) {
    this.#options = options;
  }

  async encode(chatId: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const peer = await this.#options.peerOf(chatId);
    return this.#options.store.exclusive(async () => {
      const { crypto, store } = this.#options;
      await this.#catchUp(peer, peer.identityVersion);
      await this.#requireTrusted(peer.id);
      const [current, ...older] = await store.loadSessions(peer.id);
      if (!current && peer.guest) {
        throw new KnockError('bad_request', "The guest's first message has not been read yet.");
      }
      const { state, message } = await encrypt(
        crypto,
        current ?? (await this.#start(peer)),
        plaintext,
      );
      await store.saveSessions(peer.id, [state, ...older]);
      return message;
    });
  }

  async decode(chatId: string, senderId: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.#options.store.exclusive(async () => {
      const { crypto, store } = this.#options;
      await this.#requireTrusted(senderId);
      const parsed = decodeMessage(ciphertext);
      const sessions = await store.loadSessions(senderId);
      if (parsed.type === 'initial' && !sessions.some((s) => isSameAgreement(s, parsed))) {
        const peer = await this.#options.peerOf(chatId);
        const inviteId = peer.id === senderId ? peer.guest?.inviteId : undefined;
        if (inviteId !== undefined) {
          return this.#acceptGuest(inviteId, senderId, parsed, sessions);
        }
        if (peer.guest) throw new CryptoError('unknown_prekey', 'a guest chat starts only once');
        const device = await store.loadDevice();
        if (!device) throw new CryptoError('unknown_prekey', 'this device has no keys yet');
        const options = acceptOptionsFor(device, parsed, {
          extractable: this.#options.extractable,
        });
        // Decrypting proves the sender holds that identity; only then is it compared with the pin.
        const accepted = await acceptInitialMessage(crypto, options, parsed);
        const version = peer.id === senderId ? peer.identityVersion : 0;
        await this.#checkIdentity(senderId, parsed.initiator, version);
        await store.saveSessions(
          senderId,
          [accepted.state, ...sessions].slice(0, MAX_SESSIONS_PER_PEER),
          withoutUsedPrekeys(device, accepted.usedPrekeys),
        );
        return accepted.plaintext;
      }
      // The current session first, then older ones; the one that opens it becomes current.
      let failure: unknown = new CryptoError('session_mismatch', 'no session with this sender');
      for (const [index, session] of sessions.entries()) {
        const result = await decrypt(crypto, session, ciphertext).catch((error: unknown) => {
          if (index === 0) failure = error;
          return undefined;
        });
        if (!result) continue;
        const others = sessions.filter((_, i) => i !== index);
        await store.saveSessions(senderId, [result.state, ...others]);
        return result.plaintext;
      }
      throw failure;
    });
  }

  /**
   * A guest's first message, opened with the invite's prekeys and the pre-shared key from the
   * link's secret: only someone who held the link can have made it, and a server that swapped the
   * guest's key (T4) makes it fail here. A one-time link's keys are deleted once used.
   */
  async #acceptGuest(
    inviteId: string,
    senderId: string,
    message: InitialMessage,
    sessions: readonly SessionState[],
  ): Promise<Uint8Array> {
    const { crypto, store, extractable } = this.#options;
    const [invite, device] = await Promise.all([store.loadInvite(inviteId), store.loadDevice()]);
    if (!invite || !device) {
      throw new CryptoError('unknown_prekey', "this device does not hold the link's keys");
    }
    const { signedPrekey, kemPrekey } = invite.keys;
    if (
      message.signedPrekeyId !== signedPrekey.id ||
      message.kemPrekeyId !== kemPrekey.id ||
      message.oneTimePrekeyId !== null
    ) {
      throw new CryptoError('unknown_prekey', 'the message names prekeys the link does not hold');
    }
    const psk = await linkPreSharedKey(crypto, invite.secret);
    const accepted = await acceptInitialMessage(
      crypto,
      { identity: device.identity, signedPrekey, kemPrekey, psk, extractable },
      message,
    );
    psk.fill(0);
    await this.#checkIdentity(senderId, message.initiator, 0);
    await store.saveSessions(
      senderId,
      [accepted.state, ...sessions].slice(0, MAX_SESSIONS_PER_PEER),
    );
    if (!kemPrekey.lastResort) await store.deleteInvite(inviteId);
    return accepted.plaintext;
  }

  /** The user has compared the new safety number: the peer's current identity is trusted. */
  async acceptIdentity(peerId: string): Promise<void> {
    const { store } = this.#options;
    await store.exclusive(async () => {
      const pin = await store.loadPin(peerId);
      if (pin && !pin.accepted) await store.savePin(peerId, { ...pin, accepted: true });
    });
  }

  /**
   * The directory says the peer published a new identity (`identity_changed`): their current
   * bundle is fetched and verified; a different key than pinned ends the session and stops the
   * peer until `acceptIdentity` (its safety number can be shown from the new pin meanwhile).
   */
  async identityChanged(peer: ChatPeer, identityVersion: number): Promise<void> {
    await this.#options.store.exclusive(() => this.#catchUp(peer, identityVersion));
  }

  /** Re-checks a pinned peer whose directory version passed the pinned one. */
  async #catchUp(peer: ChatPeer, identityVersion: number): Promise<void> {
    const pin = await this.#options.store.loadPin(peer.id);
    if (!pin || pin.identityVersion >= identityVersion) return;
    const current = await this.#verifiedBundle(peer);
    await this.#pin(peer.id, pin, current.bundle.identity, current.identityVersion);
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
  async #checkIdentity(peerId: string, identity: PublicIdentity, version: number): Promise<void> {
    const pin = await this.#options.store.loadPin(peerId);
    if (!(await this.#pin(peerId, pin, identity, version)))
      throw new KnockError('identity_changed');
  }

  /** Records the peer's identity; false when it differs from the pinned one (peer now stopped). */
  async #pin(
    peerId: string,
    pin: PeerPin | undefined,
    identity: PublicIdentity,
    version: number,
  ): Promise<boolean> {
    const { store } = this.#options;
    const signingKey = encodeBase64url(identity.signingKey);
    if (!pin) {
      await store.savePin(peerId, { signingKey, identityVersion: version, accepted: true });
      return true;
    }
    if (pin.signingKey === signingKey) {
      if (version > pin.identityVersion) {
        await store.savePin(peerId, { ...pin, identityVersion: version });
      }
      return true;
    }
    await store.deleteSessions(peerId);
    await store.savePin(peerId, {
      signingKey,
      identityVersion: Math.max(version, pin.identityVersion + 1),
      accepted: false,
    });
    return false;
  }

  async #requireTrusted(peerId: string): Promise<void> {
    const pin = await this.#options.store.loadPin(peerId);
    if (pin && !pin.accepted) throw new KnockError('identity_changed');
  }
}

function isSameAgreement(session: SessionState, message: { keyAgreementBytes: Uint8Array }) {
  const accepted = session.acceptedKeyAgreement;
  return accepted !== null && constantTimeEqual(accepted, message.keyAgreementBytes);
}
