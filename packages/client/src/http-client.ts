import * as v from 'valibot';
import type {
  ChatSummary,
  CreateTokenRequest,
  LoginRequest,
  RegisterRequest,
  SessionResponse,
  TokenResponse,
} from '@knock/protocol/http';
import {
  ChatListResponse,
  ChatResponse,
  ErrorResponse,
  PublicUser,
  SessionResponse as SessionResponseSchema,
  TokenResponse as TokenResponseSchema,
} from '@knock/protocol/http';
import {
  KeyStatusResponse,
  PrekeyBundleResponse,
  type AddPrekeysRequest,
  type PublishKeysRequest,
  type RotatePrekeysRequest,
} from '@knock/protocol/keys';
import {
  InviteBundleResponse,
  InviteListResponse,
  InviteResponse,
  RevokeAllResponse,
  type CreateInviteRequest,
  type InviteBundleJson,
  type InviteSummary,
} from '@knock/protocol/invites';
import { ChallengeResponse, ClaimResponse, type ClaimRequest } from '@knock/protocol/claims';
import { CSRF_HEADER } from '@knock/protocol/limits';
import { KnockError } from './errors.js';

/** The slice of a fetch `Response` the client reads. */
export interface FetchResponse {
  readonly status: number;
  text(): Promise<string>;
}

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  credentials?: 'include' | 'same-origin' | 'omit';
}

/** The slice of `fetch` the client uses; the host's global fetch satisfies it. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface HttpClientOptions {
  /** The server's origin, e.g. `https://knock.example`; a trailing slash is ignored. */
  baseUrl: string;
  /** Defaults to the host's global `fetch`. */
  fetch?: FetchLike;
  /** A bearer token (Node clients). Browsers use the session cookie instead. */
  token?: string;
}

const RegisterResponse = v.object({ user: PublicUser });
/** 204 No Content: there is no body to check. */
const NoContent = v.unknown();

/** Typed access to the Knock HTTP API. Every response body is validated before it is returned. */
export class HttpClient {
  readonly baseUrl: string;
  readonly #fetch: FetchLike;
  #token: string | undefined;
  #csrfToken: string | undefined;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? defaultFetch();
    this.#token = options.token;
  }

  get token(): string | undefined {
    return this.#token;
  }

  setToken(token: string | undefined): void {
    this.#token = token;
  }

  async register(request: RegisterRequest): Promise<PublicUser> {
    const body = await this.#request('POST', '/api/users', RegisterResponse, request);
    return body.user;
  }

  /** Mints a bearer token and uses it for every later request. */
  async createToken(request: CreateTokenRequest): Promise<TokenResponse> {
    const body = await this.#request('POST', '/api/tokens', TokenResponseSchema, request);
    this.#token = body.token;
    return body;
  }

  /** Cookie login for browsers; remembers the CSRF token for later state changes. */
  async createSession(request: LoginRequest): Promise<SessionResponse> {
    const body = await this.#request('POST', '/api/session', SessionResponseSchema, request);
    this.#csrfToken = body.csrfToken;
    return body;
  }

  async getSession(): Promise<SessionResponse> {
    const body = await this.#request('GET', '/api/session', SessionResponseSchema);
    this.#csrfToken = body.csrfToken;
    return body;
  }

  /** Ends the session: revokes the bearer token, or clears the cookie session in a browser. */
  async deleteSession(): Promise<void> {
    await this.#request('DELETE', '/api/session', NoContent);
    this.#token = undefined;
    this.#csrfToken = undefined;
  }

  async listChats(): Promise<ChatSummary[]> {
    return (await this.#request('GET', '/api/chats', ChatListResponse)).chats;
  }

  /** Finds or creates the direct chat with `username`. */
  async startChat(username: string): Promise<ChatSummary> {
    return (await this.#request('POST', '/api/chats', ChatResponse, { username })).chat;
  }

  async getChat(chatId: string): Promise<ChatSummary> {
    const path = `/api/chats/${encodeURIComponent(chatId)}`;
    return (await this.#request('GET', path, ChatResponse)).chat;
  }

  /** What the key directory holds for this user (identity, prekey counts). */
  async getKeys(): Promise<KeyStatusResponse> {
    return this.#request('GET', '/api/keys', KeyStatusResponse);
  }

  /** Publishes this device's identity and prekeys; a new identity is a key change for peers. */
  async publishKeys(request: PublishKeysRequest): Promise<KeyStatusResponse> {
    return this.#request('PUT', '/api/keys', KeyStatusResponse, request);
  }

  async addPrekeys(request: AddPrekeysRequest): Promise<KeyStatusResponse> {
    return this.#request('POST', '/api/keys/prekeys', KeyStatusResponse, request);
  }

  async rotatePrekeys(request: RotatePrekeysRequest): Promise<KeyStatusResponse> {
    return this.#request('PUT', '/api/keys/signed-prekey', KeyStatusResponse, request);
  }

  /** Takes a prekey bundle of `username` to start a session (uses up one-time prekeys). */
  async takeBundle(username: string): Promise<PrekeyBundleResponse> {
    const path = `/api/users/${encodeURIComponent(username)}/bundle`;
    return this.#request('POST', path, PrekeyBundleResponse);
  }

  /** Files a guest link's invite (the bundle signed by this device). */
  async createInvite(request: CreateInviteRequest): Promise<InviteSummary> {
    return (await this.#request('POST', '/api/invites', InviteResponse, request)).invite;
  }

  /** This user's invites, newest first, with their state and counts. */
  async listInvites(): Promise<InviteSummary[]> {
    return (await this.#request('GET', '/api/invites', InviteListResponse)).invites;
  }

  async revokeInvite(inviteId: string): Promise<void> {
    await this.#request('DELETE', `/api/invites/${encodeURIComponent(inviteId)}`, NoContent);
  }

  /** Revokes every open invite of this user; resolves with how many. */
  async revokeAllInvites(): Promise<number> {
    return (await this.#request('DELETE', '/api/invites', RevokeAllResponse)).revoked;
  }

  /** The bundle behind a guest link (no sign-in needed; fetching it changes nothing). */
  async getInviteBundle(inviteId: string): Promise<InviteBundleJson> {
    const path = `/api/invites/${encodeURIComponent(inviteId)}/bundle`;
    return (await this.#request('GET', path, InviteBundleResponse)).bundle;
  }

  /** A proof-of-work challenge for claiming a guest link (no sign-in needed). */
  async requestChallenge(inviteId: string): Promise<ChallengeResponse> {
    const path = `/api/invites/${encodeURIComponent(inviteId)}/challenge`;
    return this.#request('POST', path, ChallengeResponse);
  }

  /**
   * Claims a guest link with a solved proof and the guest's first message. The answer's token is
   * the guest's, for its one chat: it is used for every later request.
   */
  async claimInvite(inviteId: string, request: ClaimRequest): Promise<ClaimResponse> {
    const path = `/api/invites/${encodeURIComponent(inviteId)}/claim`;
    const body = await this.#request('POST', path, ClaimResponse, request);
    this.#token = body.token;
    return body;
  }

  /** The host takes a guest's request: the guest may write freely and sees read receipts. */
  async acceptRequest(chatId: string): Promise<ChatSummary> {
    return (await this.#request('POST', `${chatPath(chatId)}/accept`, ChatResponse)).chat;
  }

  /** The host sets a request aside; the guest is not told. */
  async ignoreRequest(chatId: string): Promise<ChatSummary> {
    return (await this.#request('POST', `${chatPath(chatId)}/ignore`, ChatResponse)).chat;
  }

  /** The host blocks the guest: the chat closes and the guest's token dies. */
  async blockGuest(chatId: string): Promise<void> {
    await this.#request('POST', `${chatPath(chatId)}/block`, NoContent);
  }

  /** Ends a guest chat, from either side: the server deletes everything it holds on it. */
  async endChat(chatId: string): Promise<void> {
    await this.#request('DELETE', chatPath(chatId), NoContent);
  }

  async #request<T>(
    method: string,
    path: string,
    schema: v.GenericSchema<unknown, T>,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (this.#csrfToken !== undefined && method !== 'GET') headers[CSRF_HEADER] = this.#csrfToken;
    const init: FetchInit = { method, headers, credentials: 'include' };
    if (body !== undefined) init.body = JSON.stringify(body);

    let response: FetchResponse;
    let text: string;
    try {
      response = await this.#fetch(this.baseUrl + path, init);
      text = await response.text();
    } catch (error) {
      throw new KnockError('network_error', `The server could not be reached: ${String(error)}`);
    }
    const json = parseJson(text);
    if (response.status >= 400) throw errorFromResponse(response.status, json);
    const result = v.safeParse(schema, json);
    if (!result.success) throw new KnockError('invalid_response', undefined, response.status);
    return result.output;
  }
}

function chatPath(chatId: string): string {
  return `/api/chats/${encodeURIComponent(chatId)}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFromResponse(status: number, json: unknown): KnockError {
  const result = v.safeParse(ErrorResponse, json);
  if (!result.success) {
    return new KnockError(
      status >= 500 ? 'internal_error' : 'invalid_response',
      `The server answered with HTTP ${status}.`,
      status,
    );
  }
  const { code, message, requestId } = result.output;
  return KnockError.fromWire(code, message, status, requestId);
}

function defaultFetch(): FetchLike {
  const host = globalThis as unknown as { fetch?: FetchLike };
  const fetch = host.fetch;
  if (!fetch) throw new Error('No global fetch: pass `fetch` in the options.');
  return (url, init) => fetch(url, init);
}
