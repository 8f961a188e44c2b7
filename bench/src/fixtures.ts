import { randomBytes } from 'node:crypto';
import type { ChatResponse, TokenResponse } from '@knock/protocol/http';
import type { CreateInviteRequest, InviteResponse } from '@knock/protocol/invites';
import { mapLimit } from './concurrency.js';
import type { ClientSpec, PairSpec } from './jobs.js';

/**
 * Users, tokens and chats, made through the real HTTP API: registration (argon2id), a bearer token
 * per user (argon2id verify) and one direct chat per pair. Setup cost, not measured.
 */

const PASSWORD = 'bench-password-123';

/** Registers `2 × count` users and starts one chat per pair; returns the pairs in order. */
export async function createKnockPairs(
  baseUrl: string,
  count: number,
  concurrency = 8,
): Promise<PairSpec[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapLimit(indexes, concurrency, async (i) => {
    const [sender, recipient] = await Promise.all([
      registerWithToken(baseUrl, `snd_${i}`),
      registerWithToken(baseUrl, `rcv_${i}`),
    ]);
    const chat = await call<ChatResponse>(baseUrl, 'POST', '/api/chats', 200, {
      token: sender.token,
      body: { username: `rcv_${i}` },
    });
    return {
      chatId: chat.chat.id,
      sender: { userId: sender.user.id, token: sender.token },
      recipient: { userId: recipient.user.id, token: recipient.token },
    };
  });
}

/** The same shape for the bare relay: made-up ids, the chat named in the query. */
export function createBarePairs(count: number): PairSpec[] {
  return Array.from({ length: count }, () => {
    const chatId = randomId();
    const client = (): ClientSpec => {
      const userId = randomId();
      return { userId, query: `user=${userId}&chats=${chatId}` };
    };
    return { chatId, sender: client(), recipient: client() };
  });
}

/** `count` idle clients drawn round-robin from the pairs' users (several devices per user). */
export function idleClients(pairs: readonly PairSpec[], count: number): ClientSpec[] {
  const users = pairs.flatMap((p) => [p.sender, p.recipient]);
  if (users.length === 0) return [];
  return Array.from({ length: count }, (_, i) => users[i % users.length] as ClientSpec);
}

/** Hosts of guest links: `count` users registered as `host_<i>`; their bearer tokens. */
export async function createHosts(
  baseUrl: string,
  count: number,
  concurrency = 8,
): Promise<string[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapLimit(indexes, concurrency, async (i) => {
    const host = await registerWithToken(baseUrl, `host_${i}`);
    return host.token;
  });
}

/** `perHost` reusable links (no use limit, no expiry) for each host; their invite ids. */
export async function createReusableInvites(
  baseUrl: string,
  hostTokens: readonly string[],
  perHost: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let k = 0; k < perHost; k++) {
    for (const token of hostTokens) {
      const body = reusableInviteBody();
      await call<InviteResponse>(baseUrl, 'POST', '/api/invites', 201, { token, body });
      ids.push(body.inviteId);
    }
  }
  return ids;
}

/**
 * A `POST /api/invites` body for a reusable link, as apps/server/src/testing/invite-bundles.ts
 * makes them: a structurally valid bundle of random bytes. The server checks shapes, never
 * signatures (the guest does).
 */
export function reusableInviteBody(): CreateInviteRequest {
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
  const inviteId = b64(16);
  return {
    inviteId,
    kind: 'reusable',
    bundle: {
      version: 1,
      prekeys: {
        version: 1,
        identity: { signingKey: b64(32), dhKey: b64(32), signature: b64(64) },
        signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) },
        // ML-KEM-768 public key; a reusable link's KEM prekey is its last-resort one.
        kemPrekey: { id: 1, lastResort: true, publicKey: b64(1184), signature: b64(64) },
        oneTimePrekey: null,
      },
      inviteId,
      expiresAt: null,
      displayName: 'Ann at the bakery',
      signature: b64(64),
    },
  };
}

async function registerWithToken(baseUrl: string, username: string): Promise<TokenResponse> {
  await call(baseUrl, 'POST', '/api/users', 201, { body: { username, password: PASSWORD } });
  return call<TokenResponse>(baseUrl, 'POST', '/api/tokens', 201, {
    body: { username, password: PASSWORD, label: 'bench' },
  });
}

async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  expected: number,
  options: { body?: unknown; token?: string },
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

const randomId = () => randomBytes(16).toString('base64url');
