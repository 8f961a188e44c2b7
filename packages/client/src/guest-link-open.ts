import { encodeBase64url } from '@knock/crypto/base64url';
import type { CryptoBackend } from '@knock/crypto/backend';
import { CryptoError } from '@knock/crypto/errors';
import { decodeLinkFragment, inviteIdOf, type GuestLink } from '@knock/crypto/guest-link';
import { inviteBundleFromJSON, verifyInvite, type InviteBundle } from '@knock/crypto/invite-bundle';
import { KnockError } from './errors.js';
import { HttpClient, type FetchLike } from './http-client.js';
import type { AbortSignalLike, ProofSolver, SolveOptions } from './proof-of-work.js';
import { solveClaimChallenge } from './proof-of-work.js';

export interface OpenGuestLinkOptions {
  /** The link as the host shared it (`https://…/j#1.…`), or just its fragment with `serverUrl`. */
  link: string;
  /** The server; by default the link's own origin. */
  serverUrl?: string;
  crypto: CryptoBackend;
  fetch?: FetchLike;
  now?: () => number;
}

/**
 * A guest link whose bundle verified against the host key the link pins: what a page may show
 * before anyone decides to start the chat. Nothing has been claimed or sent.
 */
export interface OpenedGuestLink {
  readonly inviteId: string;
  readonly serverUrl: string;
  /** The name the host chose for this link, from the bundle the host signed. */
  readonly hostName: string;
  /** When the link stops taking guests (ms since the epoch), if it has an end. */
  readonly linkExpiresAt: number | null;
  readonly link: GuestLink;
  readonly bundle: InviteBundle;
  readonly http: HttpClient;
}

/**
 * Reads a guest link and fetches and verifies its bundle (DESIGN §5): a server that swapped the
 * host's keys is caught here (`link_mismatch`, T3) before anything is shown or sent. A gone link
 * (unknown, revoked, expired or used: one answer for all) is `invite_not_found`. Opening consumes
 * nothing and tells nobody anything (T24).
 */
export async function openGuestLink(options: OpenGuestLinkOptions): Promise<OpenedGuestLink> {
  const { http, link, inviteId, serverUrl } = await readGuestLink(options);
  const json = await http.getInviteBundle(inviteId);
  let bundle: InviteBundle;
  try {
    bundle = inviteBundleFromJSON(json);
    await verifyInvite(options.crypto, bundle, link);
  } catch (error) {
    if (error instanceof CryptoError) throw new KnockError('link_mismatch');
    throw error;
  }
  const now = options.now?.() ?? Date.now();
  if (bundle.expiresAt !== null && bundle.expiresAt <= now)
    throw new KnockError('invite_not_found');
  return {
    inviteId,
    serverUrl,
    hostName: bundle.displayName,
    linkExpiresAt: bundle.expiresAt,
    link,
    bundle,
    http,
  };
}

export interface KnockOptions extends OpenGuestLinkOptions {
  solve?: ProofSolver;
  signal?: AbortSignalLike;
  onAttempt?: SolveOptions['onAttempt'];
}

/**
 * The link is gone and the guest asked to go on anyway: a claim without a first message tells the
 * host of a one-time link that someone tried it again. Its answer is `invite_not_found` whatever
 * the link's state, so it resolves without saying anything; only an explicit act should call it.
 */
export async function knockOnGoneLink(options: KnockOptions): Promise<void> {
  const { http, inviteId } = await readGuestLink(options);
  try {
    const { challenge } = await http.requestChallenge(inviteId);
    const proof = await (options.solve ?? solveClaimChallenge)(challenge, solveOptions(options));
    await http.claimInvite(inviteId, { proof });
  } catch {
    // Expected: invite_not_found.
  }
}

export function solveOptions(options: {
  signal?: AbortSignalLike | undefined;
  onAttempt?: SolveOptions['onAttempt'] | undefined;
}): SolveOptions {
  return {
    ...(options.signal && { signal: options.signal }),
    ...(options.onAttempt && { onAttempt: options.onAttempt }),
  };
}

async function readGuestLink(options: OpenGuestLinkOptions) {
  const serverUrl = options.serverUrl ?? originOf(options.link);
  const http = new HttpClient({
    baseUrl: serverUrl,
    ...(options.fetch && { fetch: options.fetch }),
  });
  const link = readLink(options.link);
  const inviteId = encodeBase64url(await inviteIdOf(options.crypto, link.secret));
  return { http, link, inviteId, serverUrl };
}

/** The scheme and host of a full link; a bare fragment needs `serverUrl`. */
function originOf(link: string): string {
  const origin = /^https?:\/\/[^/?#]+/i.exec(link)?.[0];
  if (origin === undefined)
    throw new KnockError('bad_request', 'Give the whole link, or the server.');
  return origin;
}

function readLink(text: string): GuestLink {
  const hash = text.indexOf('#');
  try {
    return decodeLinkFragment(hash >= 0 ? text.slice(hash + 1) : text);
  } catch {
    throw new KnockError('bad_request', 'That is not a Knock guest link.');
  }
}
