import { randomBytes } from 'node:crypto';
import type { ChatResponse, TokenResponse } from '@knock/protocol/http';
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
