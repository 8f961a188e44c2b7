import { parseServerFrame } from '@knock/protocol/codec';
import type { ClientFrame, ServerFrame } from '@knock/protocol/frames';
import type { ChatSummary, TokenResponse } from '@knock/protocol/http';
import WebSocket from 'ws';

/** HTTP JSON call against a test server; resolves with status and parsed body. */
export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

/** Registers a user and returns a bearer token for them. */
export async function userWithToken(base: string, username: string): Promise<TokenResponse> {
  const password = `${username}-password-123`;
  const created = await api(base, 'POST', '/api/users', { body: { username, password } });
  if (created.status !== 201) throw new Error(`register ${username}: ${created.status}`);
  const token = await api<TokenResponse>(base, 'POST', '/api/tokens', {
    body: { username, password },
  });
  if (token.status !== 201) throw new Error(`token ${username}: ${token.status}`);
  return token.body;
}

export async function startChat(
  base: string,
  token: string,
  username: string,
): Promise<ChatSummary> {
  const result = await api<{ chat: ChatSummary }>(base, 'POST', '/api/chats', {
    token,
    body: { username },
  });
  if (result.status !== 200) throw new Error(`start chat: ${result.status}`);
  return result.body.chat;
}

type Predicate = (frame: ServerFrame) => boolean;

/**
 * A protocol-level WebSocket client for server tests: records every frame and lets a test wait
 * for the one it expects (no sleeps).
 */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  private waiters: { predicate: Predicate; resolve: (f: ServerFrame) => void }[] = [];
  closeCode: number | undefined;
  private closedWaiters: ((code: number) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const parsed = parseServerFrame(data.toString('utf8'));
      if (!parsed.ok) throw new Error(`server sent an invalid frame: ${parsed.reason}`);
      this.frames.push(parsed.value);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(parsed.value)) return true;
        w.resolve(parsed.value);
        return false;
      });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const resolve of this.closedWaiters.splice(0)) resolve(code);
    });
  }

  static connect(
    wsUrl: string,
    headers: Record<string, string> = {},
    protocols: string[] = [],
  ): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, protocols, { headers });
      const client = new RawClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  /** Connects with a bearer token and waits for `ready`. */
  static async ready(wsUrl: string, token: string): Promise<RawClient> {
    const client = await RawClient.connect(wsUrl, { authorization: `Bearer ${token}` });
    await client.next((f) => f.type === 'ready');
    return client;
  }

  /** The subprotocol the server chose ('' for none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** The first frame, already received or still to come, that matches. */
  next(predicate: Predicate, timeoutMs = 10_000): Promise<ServerFrame> {
    const seen = this.frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  closed(): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }

  messages(chatId: string): Extract<ServerFrame, { type: 'message' }>[] {
    return this.frames.filter(
      (f): f is Extract<ServerFrame, { type: 'message' }> =>
        f.type === 'message' && f.chatId === chatId,
    );
  }

  close(): void {
    this.socket.close();
  }
}

export const text = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** The clients a test opened, so that one call closes them all afterwards. */
export class ClientPool {
  readonly clients: RawClient[] = [];

  constructor(private readonly wsUrl: () => string) {}

  /** Connects with a bearer token and waits for `ready`. */
  readonly connect = async (token: string): Promise<RawClient> => {
    const client = await RawClient.ready(this.wsUrl(), token);
    this.clients.push(client);
    return client;
  };

  closeAll(): void {
    for (const client of this.clients.splice(0)) client.close();
  }
}

/** Registers alice and bob and starts their chat: the setup most delivery tests begin with. */
export async function aliceAndBob(
  base: string,
): Promise<{ alice: TokenResponse; bob: TokenResponse; chat: ChatSummary }> {
  const alice = await userWithToken(base, 'alice');
  const bob = await userWithToken(base, 'bob');
  return { alice, bob, chat: await startChat(base, alice.token, 'bob') };
}
