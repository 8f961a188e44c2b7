import type { CryptoBackend } from '@knock/crypto/backend';
import { encodeBase64url } from '@knock/crypto/base64url';
import {
  createGuestLink,
  guestLinkUrl,
  hostFingerprint as fingerprintOf,
} from '@knock/crypto/guest-link';
import { createInvite, inviteBundleToJSON } from '@knock/crypto/invite-bundle';
import type { InviteSummary } from '@knock/protocol/invites';
import { normaliseDisplayName } from '@knock/protocol/names';
import { KnockError } from './errors.js';
import type { HttpClient } from './http-client.js';
import type { KeyStore } from './key-store.js';

export interface CreateInviteOptions {
  /** The name guests see instead of the account's username. */
  displayName: string;
  /** One-time (the default): the first guest to start a chat gets it. Reusable: each guest gets their own chat. */
  reusable?: boolean;
  /** A note for the host alone. */
  label?: string;
  /** When the link stops working (milliseconds since the epoch). */
  expiresAt?: number;
  /** Reusable links: how many guests may start a chat. */
  maxUses?: number;
}

export interface CreatedInvite {
  /** The guest link: its secret is in the fragment and exists only here and with the guests. */
  url: string;
  invite: InviteSummary;
}

/**
 * The host's guest links. A link's secret and the invite's private prekeys are stored in the
 * key store before the invite is filed, so a link the server knows can always be answered.
 */
export class HostInvites {
  readonly #crypto: CryptoBackend;
  readonly #keys: KeyStore;
  readonly #http: HttpClient;
  readonly #origin: string;
  readonly #extractable: boolean;

  constructor(options: {
    crypto: CryptoBackend;
    keys: KeyStore;
    http: HttpClient;
    /** The origin guests open (the server's public URL). */
    origin: string;
    extractable: boolean;
  }) {
    this.#crypto = options.crypto;
    this.#keys = options.keys;
    this.#http = options.http;
    this.#origin = options.origin;
    this.#extractable = options.extractable;
  }

  async create(options: CreateInviteOptions): Promise<CreatedInvite> {
    const displayName = normaliseDisplayName(options.displayName);
    if (displayName === undefined) {
      throw new KnockError('bad_request', 'The display name must be 1 to 64 characters.');
    }
    // The server takes a label under the same rules as a name: say so before making any keys.
    const label = options.label === undefined ? undefined : normaliseDisplayName(options.label);
    if (options.label !== undefined && label === undefined) {
      throw new KnockError(
        'bad_request',
        'A label must be 1 to 64 characters, with no control or direction characters.',
      );
    }
    const device = await this.#keys.loadDevice();
    if (!device) throw new KnockError('identity_required');
    const crypto = this.#crypto;
    const link = await createGuestLink(crypto, device.identity.signingKey.publicKey);
    const reusable = options.reusable === true;
    const terms = { expiresAt: options.expiresAt ?? null, displayName, reusable };
    const { bundle, keys } = await createInvite(crypto, device.identity, link, terms, {
      extractable: this.#extractable,
    });
    const inviteId = encodeBase64url(bundle.inviteId);
    await this.#keys.saveInvite({ inviteId, secret: link.secret, keys });
    const invite = await this.#http.createInvite({
      inviteId,
      kind: reusable ? 'reusable' : 'one_time',
      ...(label !== undefined && { label }),
      ...(options.maxUses !== undefined && { maxUses: options.maxUses }),
      ...(options.expiresAt !== undefined && { expiresAt: options.expiresAt }),
      bundle: inviteBundleToJSON(bundle),
    });
    return { url: guestLinkUrl(this.#origin, link), invite };
  }

  /**
   * The link of an invite this device made, to copy or show again; undefined when this device
   * no longer holds its secret (a one-time link is forgotten once used).
   */
  async urlOf(inviteId: string): Promise<string | undefined> {
    const [record, device] = await Promise.all([
      this.#keys.loadInvite(inviteId),
      this.#keys.loadDevice(),
    ]);
    if (!record || !device) return undefined;
    const hostFingerprint = await fingerprintOf(this.#crypto, device.identity.signingKey.publicKey);
    return guestLinkUrl(this.#origin, { secret: record.secret, hostFingerprint });
  }

  list(): Promise<InviteSummary[]> {
    return this.#http.listInvites();
  }

  /**
   * Revokes a link at once: new claims fail. This device keeps the link's keys: a guest who
   * claimed it before may not have had their first message read yet, and only these keys open it.
   */
  revoke(inviteId: string): Promise<void> {
    return this.#http.revokeInvite(inviteId);
  }

  /** Revokes every open link; resolves with how many were open. Keys are kept, as by `revoke`. */
  revokeAll(): Promise<number> {
    return this.#http.revokeAllInvites();
  }
}
