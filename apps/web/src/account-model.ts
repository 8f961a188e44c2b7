import { signal } from '@preact/signals';
import { KnockError } from '@knock/client/errors';
import { HttpClient } from '@knock/client/http-client';
import type { PublicUser } from '@knock/protocol/http';
import { UserSession } from './user-session.js';
import type { WebPlatform } from './web-platform.js';

export type AccountState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  /** Signed in, but another device holds the account's keys (ADR 0008): the user decides. */
  | { kind: 'keys-elsewhere'; user: PublicUser }
  | { kind: 'signed-in'; session: UserSession }
  | { kind: 'failed'; message: string };

/** Signing up, in and out, and the session that results. */
export class AccountModel {
  readonly state = signal<AccountState>({ kind: 'loading' });
  readonly #platform: WebPlatform;
  readonly #http: HttpClient;

  constructor(platform: WebPlatform) {
    this.#platform = platform;
    this.#http = new HttpClient({
      baseUrl: platform.origin,
      ...(platform.fetch && { fetch: platform.fetch }),
    });
  }

  /** Resumes the cookie session, if there is one. */
  async start(): Promise<void> {
    try {
      const { user } = await this.#http.getSession();
      await this.#open(user, false);
    } catch (error) {
      if (error instanceof KnockError && error.code === 'unauthorized') {
        this.state.value = { kind: 'signed-out' };
      } else {
        this.state.value = { kind: 'failed', message: messageOf(error) };
      }
    }
  }

  /** Rejects with the server's KnockError (e.g. `invalid_credentials`, `rate_limited`). */
  async signIn(username: string, password: string): Promise<void> {
    const { user } = await this.#http.createSession({ username, password });
    await this.#open(user, true);
  }

  async signUp(username: string, displayName: string, password: string): Promise<void> {
    await this.#http.register({ username, password, displayName });
    await this.signIn(username, password);
  }

  /** "Use this browser": this browser's keys replace the other device's. */
  async takeOver(): Promise<void> {
    const state = this.state.value;
    if (state.kind === 'keys-elsewhere') await this.#open(state.user, true);
  }

  async signOut(): Promise<void> {
    const state = this.state.value;
    if (state.kind === 'signed-in') await state.session.signOut();
    else await this.#http.deleteSession().catch(() => undefined);
    this.state.value = { kind: 'signed-out' };
  }

  async #open(user: PublicUser, takeOver: boolean): Promise<void> {
    const session = new UserSession(
      this.#platform,
      user,
      await this.#platform.openStorage(user.id),
    );
    try {
      await session.start(takeOver);
      this.state.value = { kind: 'signed-in', session };
    } catch (error) {
      await session.close();
      if (error instanceof KnockError && error.code === 'identity_replaced') {
        this.state.value = { kind: 'keys-elsewhere', user };
        return;
      }
      throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
