import { encodeBase64url } from '@knock/crypto/base64url';
import { createDeviceKeys } from '@knock/crypto/device-keys';
import { linkPreSharedKey } from '@knock/crypto/guest-link';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { encrypt } from '@knock/crypto/session';
import { normaliseGuestName } from '@knock/protocol/guest-name';
import type { ClaimResponse, HelloMessage } from '@knock/protocol/claims';
import type { ChatSummary, PublicUser } from '@knock/protocol/http';
import { encodeContent, helloContent } from './content.js';
import type { EndToEndOptions } from './end-to-end.js';
import { KnockError } from './errors.js';
import {
  knockOnGoneLink,
  openGuestLink,
  solveOptions,
  type OpenedGuestLink,
} from './guest-link-open.js';
import { KnockClient, type KnockClientBaseOptions } from './knock-client.js';
import { MemoryStore } from './memory-store.js';
import { newClientMessageId } from './message-ids.js';
import type { AbortSignalLike, ProofSolver, SolveOptions } from './proof-of-work.js';
import { solveClaimChallenge } from './proof-of-work.js';

export interface JoinOpenedLinkOptions extends Omit<
  KnockClientBaseOptions,
  'serverUrl' | 'token' | 'user' | 'guest'
> {
  /** The name the host will see, with "(Guest)" beside it; checked here first (T32). */
  name: string;
  /**
   * The guest's keys. Give each guest chat a key store of its own: a fresh identity per chat
   * keeps two hosts (or two links of one host) from telling that they talk to the same guest.
   */
  e2ee: EndToEndOptions;
  /** Solves the claim's proof of work; on this thread by default (a Worker in browsers). */
  solve?: ProofSolver;
  /** Keys derived so far by the proof of work, for a progress bar. */
  onAttempt?: SolveOptions['onAttempt'];
  /** Stops the proof of work (e.g. the user left the page). */
  signal?: AbortSignalLike;
}

export interface JoinGuestLinkOptions extends JoinOpenedLinkOptions {
  /** The link as the host shared it (`https://…/j#1.…`), or just its fragment with `serverUrl`. */
  link: string;
  /** The server; by default the link's own origin. */
  serverUrl?: string;
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
 * Opens a guest link and starts its chat (DESIGN §5): `openGuestLink`, then `joinOpenedLink`.
 * A gone link still sends an empty claim (`knockOnGoneLink`) so that the host of a one-time link
 * learns someone tried it again; a page does that only when its user asks to go on.
 */
export async function joinGuestLink(options: JoinGuestLinkOptions): Promise<JoinedGuest> {
  const openOptions = {
    link: options.link,
    crypto: options.e2ee.crypto,
    ...(options.serverUrl !== undefined && { serverUrl: options.serverUrl }),
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.now && { now: options.now }),
  };
  const opened = await openGuestLink(openOptions).catch(async (error: unknown) => {
    if (error instanceof KnockError && error.code === 'invite_not_found') {
      await knockOnGoneLink({ ...openOptions, ...solverOf(options) });
    }
    throw error;
  });
  return joinOpenedLink(opened, options);
}

/**
 * Starts the chat of a verified link: checks the name, makes the guest's identity, encrypts the
 * first message — the guest's name — with PQXDH and the link's pre-shared key, solves the proof
 * of work and claims. Only this claims the link (T24).
 */
export async function joinOpenedLink(
  opened: OpenedGuestLink,
  options: JoinOpenedLinkOptions,
): Promise<JoinedGuest> {
  const { crypto, keys, extractable } = options.e2ee;
  const { bundle, serverUrl } = opened;
  const checked = normaliseGuestName(options.name, { hostNames: [bundle.displayName] });
  if (!checked.ok) throw new KnockError('invalid_display_name', guestNameProblem[checked.reason]);

  const device =
    (await keys.loadDevice()) ??
    (await createDeviceKeys(crypto, { oneTime: 0, kemOneTime: 0 }, { extractable }));
  await keys.saveDevice(device);
  const psk = await linkPreSharedKey(crypto, opened.link.secret);
  const started = await initiateSession(crypto, {
    identity: device.identity,
    bundle: bundle.prekeys,
    expectedSigningKey: bundle.prekeys.identity.signingKey,
    psk,
    extractable,
  });
  psk.fill(0);
  const hello = await encrypt(crypto, started, encodeContent(helloContent(checked.name)));

  const claimed = await claimWithRetries(opened, options, {
    // No connection yet, so no server time: the id is random (message-ids.ts).
    clientMessageId: newClientMessageId(undefined),
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

function solverOf(options: JoinOpenedLinkOptions) {
  return {
    ...(options.solve && { solve: options.solve }),
    ...(options.signal && { signal: options.signal }),
    ...(options.onAttempt && { onAttempt: options.onAttempt }),
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
  opened: OpenedGuestLink,
  options: JoinOpenedLinkOptions,
  hello: HelloMessage,
): Promise<ClaimResponse> {
  const { http, inviteId } = opened;
  const solve = options.solve ?? solveClaimChallenge;
  for (let attempt = 1; ; attempt++) {
    const { challenge, maxAttempts } = await http.requestChallenge(inviteId);
    const proof = await solve(challenge, {
      ...solveOptions(options),
      ...(maxAttempts !== undefined && { maxAttempts }),
    });
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

const guestNameProblem = {
  empty: 'Enter a name with at least one letter or digit.',
  too_long: 'Names are at most 40 characters.',
  forbidden_character: 'That name holds characters that could disguise it.',
  impersonates_host: 'That name is too close to the host’s own.',
  reserved: 'That name is reserved. Choose another.',
} as const;
