import { signal } from '@preact/signals';
import { KnockError } from '@knock/client/errors';
import {
  knockOnGoneLink,
  openGuestLink,
  type OpenedGuestLink,
} from '@knock/client/guest-link-open';
import { encodeBase64url } from '@knock/crypto/base64url';
import { decodeLinkFragment, GUEST_LINK_PATH, inviteIdOf } from '@knock/crypto/guest-link';
import { randomBytes } from '@knock/client/platform';
import type { GuestPlatform } from './guest-platform.js';
import type { GuestEnding, GuestSession } from './guest-session.js';
import type { SavedGuest } from './saved-guests.js';

/** Why starting the chat did not work; the welcome screen says so and lets the guest retry. */
export type JoinProblem =
  | { kind: 'name'; code: string; message: string }
  | { kind: 'busy' }
  | { kind: 'network' }
  | { kind: 'other'; message: string };

export type GuestScreen =
  | { kind: 'loading' }
  /** No link in the address and no chat saved in this browser. */
  | { kind: 'no-link' }
  /** One answer for unknown, revoked, expired and used links (no oracle, T23). */
  | { kind: 'unavailable'; knocked: boolean }
  /** The bundle did not match the key the link pins: a hard stop (T3). */
  | { kind: 'mismatch' }
  | { kind: 'offline' }
  | { kind: 'welcome'; link: OpenedGuestLink; problem?: JoinProblem }
  | { kind: 'joining'; link: OpenedGuestLink; attempts: number; maxAttempts: number }
  | { kind: 'chat'; session: GuestSession }
  | { kind: 'choose'; chats: SavedGuest[] }
  | { kind: 'closed'; how: GuestEnding; session?: GuestSession };

/** Opening a link while offline is tried again after 2 s, then 4, 8… up to a minute. */
const OFFLINE_RETRY_FIRST_MS = 2_000;
const OFFLINE_RETRY_MAX_MS = 60_000;

/** About how many keys a proof takes at most; the server says exactly in each challenge. */
const DEFAULT_MAX_ATTEMPTS = 1501;

/**
 * The guest page's state: which screen, and the moves between them. Opening a link verifies it
 * and shows the welcome; only `start` claims (T24). A reload finds the chat again in the saved
 * list. Views render `screen` and call the methods; tests drive it against a real server.
 */
export class GuestModel {
  readonly screen = signal<GuestScreen>({ kind: 'loading' });
  readonly #platform: GuestPlatform;
  /** The fragment of the link this page was opened with, if any (already gone from the URL). */
  readonly #fragment: string | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #offlineTries = 0;

  constructor(platform: GuestPlatform, fragment: string | undefined) {
    this.#platform = platform;
    this.#fragment = fragment;
  }

  get #link(): string {
    return `${this.#platform.origin}${GUEST_LINK_PATH}#${this.#fragment ?? ''}`;
  }

  /** Decides the first screen: the link's chat if this browser joined it, else its welcome. */
  async start(): Promise<void> {
    const saved = this.#platform.saved.list();
    if (this.#fragment === undefined) {
      if (saved.length === 1) return this.resume(saved[0]!);
      this.screen.value =
        saved.length === 0 ? { kind: 'no-link' } : { kind: 'choose', chats: saved };
      return;
    }
    // Opened again in the browser that joined it: back to that chat, whatever the link's state.
    const inviteId = await linkInviteId(this.#platform, this.#fragment);
    const mine = saved.find((s) => s.inviteId === inviteId);
    if (mine) return this.resume(mine);
    try {
      const opened = await openGuestLink({
        link: this.#link,
        serverUrl: this.#platform.origin,
        crypto: this.#platform.crypto,
        now: () => this.#platform.now(),
        ...(this.#platform.fetch && { fetch: this.#platform.fetch }),
      });
      this.screen.value = { kind: 'welcome', link: opened };
    } catch (error) {
      this.screen.value = openFailure(error);
      if (this.screen.value.kind === 'offline') this.#retryLater();
    }
  }

  /** "Start chat": the proof of work, then the claim. Only this claims the link. */
  async startChat(name: string): Promise<void> {
    const current = this.screen.value;
    if (current.kind !== 'welcome') return;
    const link = current.link;
    const localId = encodeBase64url(randomBytes(16));
    this.screen.value = { kind: 'joining', link, attempts: 0, maxAttempts: DEFAULT_MAX_ATTEMPTS };
    const storage = await this.#platform.openStorage(localId);
    try {
      // Loaded on demand: the welcome screen is all a first visit needs (the page's budget).
      const { joinOpenedLink } = await import('@knock/client/guest-join');
      const joined = await joinOpenedLink(link, {
        name,
        socketFactory: this.#platform.socketFactory,
        store: storage.store,
        e2ee: {
          crypto: this.#platform.crypto,
          keys: storage.keys,
          extractable: storage.extractable,
        },
        solve: this.#platform.solve,
        onAttempt: (attempts, maxAttempts = DEFAULT_MAX_ATTEMPTS) => {
          const screen = this.screen.value;
          if (screen.kind === 'joining') this.screen.value = { ...screen, attempts, maxAttempts };
        },
        ...(this.#platform.fetch && { fetch: this.#platform.fetch }),
      });
      await joined.client.close();
      const saved: SavedGuest = {
        localId,
        chatId: joined.chat.id,
        inviteId: link.inviteId,
        serverUrl: joined.serverUrl,
        token: joined.token,
        user: joined.user,
        name: joined.name,
        hostName: joined.hostName,
        joinedAt: this.#platform.now(),
        expiresAt: joined.chat.expiresAt,
      };
      this.#platform.saved.put(saved);
      await this.resume(saved);
    } catch (error) {
      await storage.store.close().catch(() => undefined);
      await storage.keys.close().catch(() => undefined);
      await storage.history.close();
      await this.#platform.deleteStorage(localId);
      if (error instanceof KnockError && error.code === 'invite_not_found') {
        this.screen.value = { kind: 'unavailable', knocked: true };
        return;
      }
      this.screen.value = { kind: 'welcome', link, problem: joinProblem(error) };
    }
  }

  /** Returns to a chat this browser joined. */
  async resume(saved: SavedGuest): Promise<void> {
    this.screen.value = { kind: 'loading' };
    const { GuestSession } = await import('./guest-session.js');
    const session = await GuestSession.resume(this.#platform, saved);
    const show = () => {
      const how = session.ending.value;
      this.screen.value = how ? { kind: 'closed', how, session } : { kind: 'chat', session };
    };
    session.ending.subscribe(show);
    show();
  }

  /** On the "not available" screen: let the host of a used one-time link know someone tried. */
  async letThemKnow(): Promise<void> {
    const screen = this.screen.value;
    if (screen.kind !== 'unavailable' || screen.knocked || this.#fragment === undefined) return;
    this.screen.value = { kind: 'unavailable', knocked: true };
    try {
      await knockOnGoneLink({
        link: this.#link,
        serverUrl: this.#platform.origin,
        crypto: this.#platform.crypto,
        solve: this.#platform.solve,
        ...(this.#platform.fetch && { fetch: this.#platform.fetch }),
      });
    } catch {
      // A malformed link names no invite: there is nobody to tell, and the screen says no more.
    }
  }

  /** Tries again after the server could not be reached. */
  retry(): Promise<void> {
    clearTimeout(this.#retryTimer);
    this.screen.value = { kind: 'loading' };
    return this.start();
  }

  /**
   * Offline when opening the link: try again by itself, sooner when the browser says it is back
   * online, at growing intervals otherwise (the offline screen also has "Try again").
   */
  #retryLater(): void {
    const delay = Math.min(
      OFFLINE_RETRY_MAX_MS,
      OFFLINE_RETRY_FIRST_MS * 2 ** this.#offlineTries++,
    );
    this.#retryTimer = setTimeout(() => void this.retry(), delay);
    this.#platform.onOnline?.(() => {
      if (this.screen.value.kind === 'offline') void this.retry();
    });
  }
}

/** The invite id a link's fragment names, or undefined when it is no link. */
async function linkInviteId(
  platform: GuestPlatform,
  fragment: string,
): Promise<string | undefined> {
  try {
    const { secret } = decodeLinkFragment(fragment);
    return encodeBase64url(await inviteIdOf(platform.crypto, secret));
  } catch {
    return undefined;
  }
}

function openFailure(error: unknown): GuestScreen {
  if (error instanceof KnockError) {
    if (error.code === 'link_mismatch') return { kind: 'mismatch' };
    if (error.code === 'network_error') return { kind: 'offline' };
  }
  // Unknown, revoked, expired, used or malformed: one answer.
  return { kind: 'unavailable', knocked: false };
}

function joinProblem(error: unknown): JoinProblem {
  if (error instanceof KnockError) {
    if (error.code === 'invalid_display_name') {
      return { kind: 'name', code: error.code, message: error.message };
    }
    if (error.code === 'rate_limited' || error.code === 'slow_down') return { kind: 'busy' };
    if (error.code === 'network_error' || error.code === 'timeout') return { kind: 'network' };
    return { kind: 'other', message: error.message };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}
