import { encodeBase64url } from '@knock/crypto/base64url';
import { createDeviceKeys } from '@knock/crypto/device-keys';
import { CryptoError } from '@knock/crypto/errors';
import { decodeLinkFragment, inviteIdOf, linkPreSharedKey } from '@knock/crypto/guest-link';
import { inviteBundleFromJSON, verifyInvite, type InviteBundle } from '@knock/crypto/invite-bundle';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { encrypt } from '@knock/crypto/session';
import { normaliseGuestName } from '@knock/protocol/guest-name';
import type { ClaimResponse, HelloMessage } from '@knock/protocol/claims';
import type { ChatSummary, PublicUser } from '@knock/protocol/http';
import { encodeContent, helloContent } from './content.js';
import type { EndToEndOptions } from './end-to-end.js';
import { KnockError } from './errors.js';
import { HttpClient } from './http-client.js';
import { KnockClient, type KnockClientBaseOptions } from './knock-client.js';
import { MemoryStore } from './memory-store.js';
import { randomBytes } from './platform.js';
import { solveClaimChallenge, type AbortSignalLike } from './proof-of-work.js';

export interface JoinGuestLinkOptions extends Omit<
  KnockClientBaseOptions,
  'serverUrl' | 'token' | 'user' | 'guest'
> {
  /** The link as the host shared it (`https://…/j#1.…`), or just its fragment with `serverUrl`. */
  link: string;
  /** The server; by default the link's own origin. */
  serverUrl?: string;
  /** The name the host will see, with "(Guest)" beside it; checked here first (T32). */
  name: string;
  /**
   * The guest's keys. Give each guest chat a key store of its own: a fresh identity per chat
   * keeps two hosts (or two links of one host) from telling that they talk to the same guest.
   */
  e2ee: EndToEndOptions;
  /** Stops the proof of work (e.g. the user left the page). */
  signal?: AbortSignalLike;
}

/** A guest in its chat: keep `token` (and the stores) to come back later. */
export interface JoinedGuest {
  client: KnockClient;
  chat: ChatSummary;
  /** The guest as the server knows it (no name: that went to the host encrypted). */
  user: PublicUser;
  /** The name as the host sees it, after the checks (T32). */
  name: string;
  /** The server the chat lives on. */
  serverUrl: string;
  /** The guest's bearer token: valid for this chat only, until it ends, expires or is blocked. */
  token: string;
  /** The name the host chose for this link (from the bundle the host signed). */
  hostName: string;
}

/**
 * Opens a guest link and starts its chat (DESIGN §5): reads the fragment, fetches the invite's
 * bundle and verifies it against the host key the link pins (a server that swapped it is caught
 * here and nothing is sent, T3), makes the guest's identity, encrypts the first message — the
 * guest's name — with PQXDH and the link's pre-shared key, solves the proof of work and claims.
 * Only this claims the link: fetching and verifying consume nothing (T24).
 */
export async function joinGuestLink(options: JoinGuestLinkOptions): Promise<JoinedGuest> {
  const { crypto, keys, extractable } = options.e2ee;
  const serverUrl = options.serverUrl ?? originOf(options.link);
  const http = new HttpClient({
    baseUrl: serverUrl,
    ...(options.fetch && { fetch: options.fetch }),
  });
  const link = readLink(options.link);
  const inviteId = encodeBase64url(await inviteIdOf(crypto, link.secret));
  const bundle = await verifiedBundle(options, http, inviteId, link);
  const checked = normaliseGuestName(options.name, { hostNames: [bundle.displayName] });
  if (!checked.ok) throw new KnockError('invalid_display_name', guestNameProblem[checked.reason]);

  const device =
    (await keys.loadDevice()) ??
    (await createDeviceKeys(crypto, { oneTime: 0, kemOneTime: 0 }, { extractable }));
  await keys.saveDevice(device);
  const psk = await linkPreSharedKey(crypto, link.secret);
  const started = await initiateSession(crypto, {
    identity: device.identity,
    bundle: bundle.prekeys,
    expectedSigningKey: bundle.prekeys.identity.signingKey,
    psk,
    extractable,
  });
  psk.fill(0);
  const hello = await encrypt(crypto, started, encodeContent(helloContent(checked.name)));

  const claimed = await claimWithRetries(options, http, inviteId, {
    clientMessageId: encodeBase64url(randomBytes(16)),
    ciphertext: encodeBase64url(hello.message),
  });
  const hostId = claimed.chat.peer.id;
  await keys.exclusive(async () => {
    await keys.saveSessions(hostId, [hello.state]);
    const signingKey = encodeBase64url(bundle.prekeys.identity.signingKey);
    await keys.savePin(hostId, { signingKey, identityVersion: 0, accepted: true });
  });
  const store = options.store ?? new MemoryStore();
  await store.putPeerName(claimed.chat.id, bundle.displayName);
  const client = new KnockClient({
    ...options,
    serverUrl,
    store,
    token: claimed.token,
    user: claimed.user,
    guest: true,
  });
  return {
    client,
    chat: claimed.chat,
    user: claimed.user,
    name: checked.name,
    serverUrl,
    token: claimed.token,
    hostName: bundle.displayName,
  };
}

/** Claims sent in all when answers are lost on the way back. */
const CLAIM_ATTEMPTS = 3;

/**
 * Solves a proof and claims; when the answer is lost (the network failed after sending), claims
 * again with the same first message and a new proof: the server recognises the claim and answers
 * with the chat it made (and a new token), so a one-time link is not lost to a dropped answer.
 */
async function claimWithRetries(
  options: JoinGuestLinkOptions,
  http: HttpClient,
  inviteId: string,
  hello: HelloMessage,
): Promise<ClaimResponse> {
  for (let attempt = 1; ; attempt++) {
    const proof = await solveClaimChallenge(
      await http.requestChallenge(inviteId),
      options.signal ? { signal: options.signal } : undefined,
    );
    try {
      return await http.claimInvite(inviteId, { proof, hello });
    } catch (error) {
      // A lost answer, or a proof the server no longer takes (it restarted while we solved).
      const again =
        error instanceof KnockError && ['network_error', 'proof_invalid'].includes(error.code);
      if (!again || attempt >= CLAIM_ATTEMPTS) throw error;
    }
  }
}

/**
 * The link is gone, and the guest asked to join anyway: a claim without a first message tells
 * the host of a one-time link that someone tried it again. Its answer is `invite_not_found`
 * whatever the link's state, and any failure here is beside the point.
 */
async function knock(options: JoinGuestLinkOptions, http: HttpClient, inviteId: string) {
  try {
    const challenge = await http.requestChallenge(inviteId);
    const proof = await solveClaimChallenge(
      challenge,
      options.signal ? { signal: options.signal } : undefined,
    );
    await http.claimInvite(inviteId, { proof });
  } catch {
    // Expected: invite_not_found.
  }
}

/** The scheme and host of a full link; a bare fragment needs `serverUrl`. */
function originOf(link: string): string {
  const origin = /^https?:\/\/[^/?#]+/i.exec(link)?.[0];
  if (origin === undefined)
    throw new KnockError('bad_request', 'Give the whole link, or the server.');
  return origin;
}

function readLink(text: string) {
  const hash = text.indexOf('#');
  try {
    return decodeLinkFragment(hash >= 0 ? text.slice(hash + 1) : text);
  } catch {
    throw new KnockError('bad_request', 'That is not a Knock guest link.');
  }
}

/** The invite's bundle, verified against the link; fails closed (T3). */
async function verifiedBundle(
  options: JoinGuestLinkOptions,
  http: HttpClient,
  inviteId: string,
  link: ReturnType<typeof readLink>,
): Promise<InviteBundle> {
  const json = await http.getInviteBundle(inviteId).catch(async (error: unknown) => {
    if (error instanceof KnockError && error.code === 'invite_not_found') {
      await knock(options, http, inviteId);
    }
    throw error;
  });
  let bundle: InviteBundle;
  try {
    bundle = inviteBundleFromJSON(json);
    await verifyInvite(options.e2ee.crypto, bundle, link);
  } catch (error) {
    if (error instanceof CryptoError) throw new KnockError('link_mismatch');
    throw error;
  }
  const now = options.now?.() ?? Date.now();
  if (bundle.expiresAt !== null && bundle.expiresAt <= now)
    throw new KnockError('invite_not_found');
  return bundle;
}

const guestNameProblem = {
  empty: 'Enter a name with at least one letter or digit.',
  too_long: 'Names are at most 40 characters.',
  forbidden_character: 'That name holds characters that could disguise it.',
  impersonates_host: 'That name is too close to the host’s own.',
  reserved: 'That name is reserved. Choose another.',
} as const;
