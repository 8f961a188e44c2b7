import { parseServerFrame } from '@knock/protocol/codec';
import { errorCatalogue } from '@knock/protocol/errors';
import type { ClientFrame, ReadyFrame, ServerFrame } from '@knock/protocol/frames';
import type { BackoffOptions } from './backoff.js';
import { backoffDelay, defaultBackoff } from './backoff.js';
import { Emitter } from './emitter.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import type { TimerHandle, Timers } from './platform.js';
import { systemTimers } from './platform.js';
import type { Socket, SocketFactory } from './socket.js';
import { CLOSE_ABNORMAL, CLOSE_NORMAL } from './socket.js';

/**
 * `connecting`: a socket is being opened or waits for `ready`. `online`: `ready` arrived.
 * `offline`: not connected; a reconnect is scheduled unless the connection was stopped.
 * `unauthorized`: the server refused the credentials; the connection stays down.
 */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'unauthorized';

export interface StateChange {
  state: ConnectionState;
  /** For `offline` while reconnecting: the delay before the next attempt. */
  retryInMs?: number;
  /** For `offline` and `unauthorized`: the close code that ended the last socket. */
  closeCode?: number;
}

export interface ConnectionEvents {
  state: StateChange;
  /** Every valid server frame, `ready` first, in the order received. */
  frame: ServerFrame;
}

export interface ConnectionOptions {
  /** The WebSocket URL, e.g. `wss://knock.example/api/ws`. */
  url: string;
  token?: string;
  socketFactory: SocketFactory;
  logger?: Logger;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  backoff?: Partial<BackoffOptions>;
  /** How long an open socket may take to say `ready` before it is dropped and retried. */
  readyTimeoutMs?: number;
}

const UNAUTHORIZED_CLOSE = errorCatalogue.unauthorized.close;

/**
 * A WebSocket that keeps itself connected: it reconnects after every unexpected close with
 * exponential backoff and full jitter, resets the backoff once a connection has been stable, and
 * gives up only when the server rejects the credentials (close code 4401).
 */
export class Connection {
  readonly events: Emitter<ConnectionEvents>;
  readonly #options: ConnectionOptions;
  readonly #logger: Logger;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #backoff: BackoffOptions;
  #token: string | undefined;
  #state: ConnectionState = 'offline';
  #socket: Socket | undefined;
  #generation = 0;
  #attempt = 0;
  #onlineSince: number | undefined;
  #retryTimer: TimerHandle | undefined;
  #readyTimer: TimerHandle | undefined;
  #running = false;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.events = new Emitter(this.#logger);
    this.#timers = options.timers ?? systemTimers;
    this.#now = options.now ?? (() => Date.now());
    this.#backoff = { ...defaultBackoff, ...options.backoff };
    this.#token = options.token;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The number of consecutive failed attempts since the last stable connection. */
  get attempt(): number {
    return this.#attempt;
  }

  setToken(token: string | undefined): void {
    this.#token = token;
  }

  /** Opens the connection (no-op while running). Also restarts after `unauthorized`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    this.#open();
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.#running = false;
    this.#clearTimers();
    this.#detach(CLOSE_NORMAL, 'client closing');
    if (this.#state !== 'unauthorized') this.#setState({ state: 'offline' });
  }

  /** Sends a frame if the connection is online; returns whether it was handed to the socket. */
  send(frame: ClientFrame): boolean {
    if (this.#state !== 'online' || !this.#socket) return false;
    try {
      this.#socket.send(JSON.stringify(frame));
      return true;
    } catch (error) {
      this.#logger.warn('socket send failed', { error: String(error) });
      return false;
    }
  }

  #open(): void {
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation;
    this.#setState({ state: 'connecting' });
    const request =
      this.#token === undefined
        ? { url: this.#options.url }
        : { url: this.#options.url, token: this.#token };
    try {
      this.#socket = this.#options.socketFactory(request, {
        open: () => {
          if (current()) this.#armReadyTimer();
        },
        message: (data) => {
          if (current()) this.#receive(data);
        },
        close: (code, reason) => {
          if (current()) this.#closed(code, reason);
        },
        error: (error) => {
          if (current()) this.#logger.debug('socket error', { error: String(error) });
        },
      });
    } catch (error) {
      this.#logger.warn('could not open socket', { error: String(error) });
      this.#closed(CLOSE_ABNORMAL, 'socket factory failed');
    }
  }

  #receive(data: string): void {
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.#logger.warn('ignoring invalid server frame', { reason: parsed.reason });
      return;
    }
    const frame = parsed.value;
    if (frame.type === 'ready') {
      this.#onReady(frame);
    } else if (this.#state !== 'online') {
      this.#logger.warn('ignoring frame before ready', { type: frame.type });
      return;
    }
    void this.events.emit('frame', frame);
  }

  #onReady(frame: ReadyFrame): void {
    this.#clearReadyTimer();
    this.#onlineSince = this.#now();
    this.#logger.info('connected', { userId: frame.userId, protocol: frame.protocol });
    this.#setState({ state: 'online' });
  }

  #closed(code: number, reason: string): void {
    this.#socket = undefined;
    this.#generation++;
    this.#clearTimers();
    if (
      this.#onlineSince !== undefined &&
      this.#now() - this.#onlineSince >= this.#backoff.stableAfterMs
    ) {
      this.#attempt = 0;
    }
    this.#onlineSince = undefined;
    if (!this.#running) return;
    if (code === UNAUTHORIZED_CLOSE) {
      this.#running = false;
      this.#logger.warn('server rejected the credentials', { code, reason });
      this.#setState({ state: 'unauthorized', closeCode: code });
      return;
    }
    const delay = backoffDelay(this.#attempt, this.#backoff, this.#options.random);
    this.#attempt++;
    this.#logger.info('connection closed; reconnecting', { code, reason, delayMs: delay });
    this.#retryTimer = this.#timers.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#running) this.#open();
    }, delay);
    this.#setState({ state: 'offline', retryInMs: delay, closeCode: code });
  }

  #armReadyTimer(): void {
    const timeout = this.#options.readyTimeoutMs ?? 20_000;
    this.#readyTimer = this.#timers.setTimeout(() => {
      this.#readyTimer = undefined;
      this.#logger.warn('no ready frame in time; reconnecting', { timeoutMs: timeout });
      this.#detach(CLOSE_NORMAL, 'ready timeout');
      this.#closed(CLOSE_ABNORMAL, 'ready timeout');
    }, timeout);
  }

  /** Closes the current socket and ignores anything it still reports. */
  #detach(code: number, reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#generation++;
    if (!socket) return;
    try {
      socket.close(code, reason);
    } catch (error) {
      this.#logger.debug('socket close failed', { error: String(error) });
    }
  }

  #clearReadyTimer(): void {
    if (this.#readyTimer !== undefined) this.#timers.clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
  }

  #clearTimers(): void {
    this.#clearReadyTimer();
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #setState(change: StateChange): void {
    if (change.state === this.#state && change.state !== 'offline') return;
    this.#state = change.state;
    void this.events.emit('state', change);
  }
}
