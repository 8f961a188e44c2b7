import { encodeBase64url } from '@knock/protocol/base64url';
import type { ChatSummary, PublicUser, TokenResponse } from '@knock/protocol/http';
import { ID_PATTERN, MAX_CIPHERTEXT_BYTES, WS_PATH } from '@knock/protocol/limits';
import { AckScheduler } from './acks.js';
import type { BackoffOptions } from './backoff.js';
import type { PayloadCodec } from './codec.js';
import type { ConnectionState, StateChange } from './connection.js';
import { Connection } from './connection.js';
import { encodeContent, textContent } from './content.js';
import { Delivery } from './delivery.js';
import type { ChatPeer } from './e2ee-codec.js';
import type { EndToEndOptions, PeerIdentity } from './end-to-end.js';
import { EndToEnd } from './end-to-end.js';
import type { HostInvites } from './host-invites.js';
import type { Listener } from './emitter.js';
import { Emitter } from './emitter.js';
import { GuestChats, type PeerDisplay } from './guest-chats.js';
import { KnockError } from './errors.js';
import type { KnockClientEvents } from './events.js';
import type { FetchLike } from './http-client.js';
import { HttpClient } from './http-client.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { MemoryStore } from './memory-store.js';
import { Outbox } from './outbox.js';
import type { Timers } from './platform.js';
import { systemTimers } from './platform.js';
import { newClientMessageId, ServerClock } from './message-ids.js';
import type { SocketFactory } from './socket.js';
import { toWebSocketUrl } from './socket.js';
import type { ClientStore, OutboxEntry } from './store.js';

export type { PeerDisplay };

/**
 * End-to-end encryption (`e2ee`) is what clients use. A bare `codec` exists for tests of delivery
 * mechanics against a fake server without a key directory.
 */
export type KnockClientOptions = KnockClientBaseOptions &
  ({ e2ee: EndToEndOptions; codec?: never } | { codec: PayloadCodec; e2ee?: never });

export interface KnockClientBaseOptions {
  /** The server's origin, e.g. `https://knock.example`. */
  serverUrl: string;
  /** Creates WebSockets: `createNodeSocketFactory()` in Node, a browser adapter in browsers. */
  socketFactory: SocketFactory;
  /** Where the outbox and cursors live. Defaults to memory (lost on exit). */
  store?: ClientStore;
  /** A bearer token from an earlier `login`. */
  token?: string;
  /** The user the token belongs to, when it was stored with it. */
  user?: PublicUser;
  fetch?: FetchLike;
  logger?: Logger;
  /** False for send-only clients (`knock send`): incoming messages are left for other clients. */
  receive?: boolean;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  backoff?: Partial<BackoffOptions>;
  /** Coalescing window for cursor writes and acks. */
  ackDelayMs?: number;
  /**
   * A guest's client (see `joinGuestLink`): its token serves one chat, it publishes no keys and
   * starts no chats.
   */
  guest?: boolean;
}

/**
 * The headless Knock client: HTTP API, a connection that keeps itself up, a persistent outbox,
 * exactly-once presentation of messages, and typed events for everything that happens.
 */
export class KnockClient {
  readonly http: HttpClient;
  readonly #events: Emitter<KnockClientEvents>;
  readonly #connection: Connection;
  readonly #store: ClientStore;
  readonly #outbox: Outbox;
  readonly #acks: AckScheduler;
  readonly #delivery: Delivery;
  readonly #codec: PayloadCodec;
  readonly #e2ee: EndToEnd | undefined;
  readonly #now: () => number;
  readonly #serverClock: ServerClock;
  readonly #reads = new Map<string, number>();
  /** Chat summaries seen so far: who the peer of each chat is. */
  readonly #chats = new Map<string, ChatSummary>();
  /** Names in guest chats, learnt end to end, and which guest chats the app may see yet. */
  readonly #guests: GuestChats;
  readonly #guest: boolean;
  #user: PublicUser | undefined;
  #loaded: Promise<void> | undefined;

  constructor(options: KnockClientOptions) {
    const logger = options.logger ?? silentLogger;
    const timers = options.timers ?? systemTimers;
    this.#user = options.user;
    this.#guest = options.guest === true;
    this.#now = options.now ?? (() => Date.now());
    this.#serverClock = new ServerClock(this.#now);
    this.#store = options.store ?? new MemoryStore();
    this.#events = new Emitter(logger);
    const httpOptions = { baseUrl: options.serverUrl };
    this.http = new HttpClient({
      ...httpOptions,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.token !== undefined && { token: options.token }),
    });
    this.#e2ee =
      options.e2ee && new EndToEnd(options.e2ee, this.http, logger, (id) => this.#peerOf(id));
    this.#codec = this.#e2ee?.codec ?? options.codec ?? failClosed();
    this.#connection = new Connection({
      url: toWebSocketUrl(options.serverUrl, WS_PATH),
      socketFactory: options.socketFactory,
      logger,
      timers,
      now: this.#now,
      ...(options.token !== undefined && { token: options.token }),
      ...(options.random && { random: options.random }),
      ...(options.backoff && { backoff: options.backoff }),
    });
    const send = this.#connection.send.bind(this.#connection);
    const random = options.random;
    this.#outbox = new Outbox(this.#store, { send }, { timers, logger, ...(random && { random }) });
    this.#acks = new AckScheduler({
      store: this.#store,
      send,
      timers,
      logger,
      ...(options.ackDelayMs !== undefined && { delayMs: options.ackDelayMs }),
    });
    const e2ee = this.#e2ee;
    this.#guests = new GuestChats({
      store: this.#store,
      events: this.#events,
      user: () => this.#user,
      chat: async (chatId) => this.#chats.get(chatId) ?? (await this.http.getChat(chatId)),
    });
    this.#delivery = new Delivery({
      send,
      outbox: this.#outbox,
      acks: this.#acks,
      store: this.#store,
      codec: this.#codec,
      events: this.#events,
      logger,
      timers,
      now: this.#now,
      receive: options.receive ?? true,
      ...(e2ee && {
        keys: {
          keysLow: () => e2ee.refreshKeys(),
          identityChanged: (userId, version) =>
            this.#onIdentityChanged(userId, version).catch((error: unknown) => {
              logger.warn('could not check a changed identity', { error: String(error) });
            }),
        },
      }),
      guests: this.#guests,
    });
    this.#events.on('chat', ({ chat }) => this.#remember(chat));
    // A closed chat's guest name stays in memory, so that listeners of `chatClosed` can still
    // show who it was with; the store forgot it already.
    this.#events.on('chatClosed', ({ chatId }) => {
      this.#chats.delete(chatId);
    });
    this.#connection.events.on('frame', (frame) => {
      if (frame.type === 'ready') this.#serverClock.observe(frame.serverTime);
      return this.#delivery.handle(frame);
    });
    this.#connection.events.on('state', (change) => this.#onState(change));
  }

  on<K extends keyof KnockClientEvents>(
    event: K,
    listener: Listener<KnockClientEvents[K]>,
  ): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof KnockClientEvents>(event: K, listener: Listener<KnockClientEvents[K]>): void {
    this.#events.off(event, listener);
  }

  get state(): ConnectionState {
    return this.#connection.state;
  }

  /** The signed-in user's id, known after login or the first `ready`. */
  get userId(): string | undefined {
    return this.#user?.id ?? this.#delivery.userId;
  }

  get user(): PublicUser | undefined {
    return this.#user;
  }

  /** Creates an account (it does not sign in). */
  register(username: string, password: string, displayName?: string): Promise<PublicUser> {
    return this.http.register(
      displayName === undefined ? { username, password } : { username, password, displayName },
    );
  }

  /** Mints a bearer token and uses it from now on. Store `token` to skip this next time. */
  async login(username: string, password: string, label?: string): Promise<TokenResponse> {
    const response = await this.http.createToken(
      label === undefined ? { username, password } : { username, password, label },
    );
    this.#user = response.user;
    this.#connection.setToken(response.token);
    return response;
  }

  /** Disconnects and revokes the token on the server. */
  async logout(): Promise<void> {
    await this.disconnect();
    await this.http.deleteSession();
    this.#connection.setToken(undefined);
    this.#user = undefined;
  }

  /**
   * Publishes this device's keys, then connects and keeps reconnecting until `disconnect`.
   * Resolves once the server said `ready`; rejects with `unauthorized` when it refuses the
   * credentials, and with `identity_replaced` when another device holds the account's keys.
   */
  async connect(): Promise<void> {
    await this.#load();
    if (this.#connection.state === 'online') return;
    if (!this.#guest) await this.#e2ee?.publishBeforeConnect();
    const online = new Promise<void>((resolve, reject) => {
      const off = this.#connection.events.on('state', ({ state }) => {
        if (state === 'online') {
          off();
          resolve();
        } else if (state === 'unauthorized') {
          off();
          reject(new KnockError('unauthorized'));
        }
      });
    });
    this.#connection.start();
    await online;
  }

  /** Finishes handling what arrived, persists and acks it, then closes the connection. */
  async disconnect(): Promise<void> {
    await this.#delivery.idle();
    await this.#acks.flush();
    this.#connection.stop();
    this.#outbox.disconnected();
  }

  /** Disconnects and releases the store. */
  async close(): Promise<void> {
    await this.disconnect();
    this.#acks.close();
    this.#outbox.close();
    this.#delivery.close();
    await this.#store.close();
  }

  /** Resolves once every frame received so far has been handled. */
  idle(): Promise<void> {
    return this.#delivery.idle();
  }

  /**
   * Creates this device's keys if it has none, publishes them and tops up its prekeys (`connect`
   * does this too). `takeOver` makes this device the account's one even if another device
   * published keys since (ADR 0008); without it that case fails with `identity_replaced`.
   */
  async publishKeys(options: { takeOver?: boolean } = {}): Promise<void> {
    if (!this.#e2ee) throw new KnockError('bad_request', 'This client has no end-to-end keys.');
    await this.#e2ee.publishKeys(options.takeOver === true);
  }

  /**
   * The user's chats, most recently active first. A guest chat shows up on the host's side only
   * once the guest's first message opened (which proves the guest held the link, T4).
   */
  async listChats(): Promise<ChatSummary[]> {
    const chats = await this.http.listChats();
    await this.#load();
    for (const chat of chats) this.#remember(chat);
    return chats.filter((chat) => this.#guests.visible(chat));
  }

  /**
   * The other side of a chat as people should see it. A guest is its name with the "Guest" badge
   * and "Not registered" beside it, never inside it; a host, to its guest, is the link's name.
   */
  peerDisplay(chat: ChatSummary): PeerDisplay {
    return this.#guests.display(chat);
  }

  /** The host takes a guest's request (replying does too). */
  async acceptRequest(chatId: string): Promise<ChatSummary> {
    const chat = await this.http.acceptRequest(chatId);
    this.#remember(chat);
    return chat;
  }

  /** The host sets a guest's request aside; the guest is not told and may still write. */
  async ignoreRequest(chatId: string): Promise<ChatSummary> {
    const chat = await this.http.ignoreRequest(chatId);
    this.#remember(chat);
    return chat;
  }

  /** The host blocks a guest: the chat closes on both sides and the guest's token dies. */
  async blockGuest(chatId: string): Promise<void> {
    const chat = this.#chats.get(chatId);
    await this.http.blockGuest(chatId);
    await this.#forgetLocally(chatId, chat);
  }

  /**
   * Ends a guest chat, from either side: the server deletes it, the guest's token dies, and the
   * `chatClosed` event follows here (local history and keys go then).
   */
  async endChat(chatId: string): Promise<void> {
    const chat = this.#chats.get(chatId);
    await this.http.endChat(chatId);
    await this.#forgetLocally(chatId, chat);
  }

  /**
   * What this client held on a chat the server deleted: its store entries and, for a guest chat,
   * the sessions with the other side (whose id serves no other chat). A receiving client does
   * the same on `chat_closed`; this covers one that never hears it.
   */
  async #forgetLocally(chatId: string, chat: ChatSummary | undefined): Promise<void> {
    await this.#store.deleteChat(chatId);
    if (chat?.kind === 'guest') await this.#e2ee?.forgetPeer(chat.peer.id);
  }

  /** Finds or creates the direct chat with `username`. */
  async startChat(username: string): Promise<ChatSummary> {
    const chat = await this.http.startChat(username);
    await this.#load();
    this.#remember(chat);
    return chat;
  }

  async getChat(chatId: string): Promise<ChatSummary> {
    const chat = await this.http.getChat(chatId);
    await this.#load();
    this.#remember(chat);
    return chat;
  }

  /** The guest links of this user: create (with a QR-ready URL), list, revoke. */
  get invites(): HostInvites {
    if (!this.#e2ee || this.#guest)
      throw new KnockError('bad_request', 'This client has no end-to-end keys.');
    return this.#e2ee.invites;
  }

  /**
   * The safety number with a peer and whether it is accepted; undefined before any message with
   * them. After an `identityChanged` event it is the new one, to compare before `acceptIdentity`.
   */
  async peerIdentity(peerId: string): Promise<PeerIdentity | undefined> {
    const ownId = this.userId;
    if (!this.#e2ee || ownId === undefined) return undefined;
    return this.#e2ee.peerIdentity(ownId, peerId);
  }

  /**
   * The user compared the peer's new safety number: their chats resume, and what they sent while
   * stopped is fetched again from the server and shown.
   */
  async acceptIdentity(peerId: string): Promise<void> {
    if (!this.#e2ee) return;
    await this.#e2ee.acceptIdentity(peerId);
    this.#delivery.release(peerId);
  }

  /**
   * Queues a text message. Resolves with its clientMessageId once it is durably in the outbox; it
   * is sent now if online, else on the next connection, and resent until the server acks it.
   * Watch `sent` and `sendFailed` for the outcome.
   */
  async sendText(chatId: string, text: string): Promise<string> {
    if (!ID_PATTERN.test(chatId)) throw new KnockError('bad_request', 'That is not a chat id.');
    await this.#load();
    const content = encodeContent(textContent(text));
    const ciphertext = await this.#codec.encode(chatId, content);
    if (ciphertext.length > MAX_CIPHERTEXT_BYTES) throw new KnockError('message_too_large');
    const entry: OutboxEntry = {
      chatId,
      clientMessageId: newClientMessageId(this.#serverClock.time()),
      ciphertext: encodeBase64url(ciphertext),
      createdAt: this.#now(),
    };
    const { clientMessageId, createdAt } = entry;
    await this.#store.putOwnCopy({
      chatId,
      clientMessageId,
      content: encodeBase64url(content),
      createdAt,
    });
    await this.#outbox.add(entry);
    return entry.clientMessageId;
  }

  /** Messages queued but not yet acknowledged by the server, in send order. */
  get pending(): readonly OutboxEntry[] {
    return this.#outbox.entries;
  }

  /** Tells the peer whether this user is typing. Lossy: dropped while offline. */
  setTyping(chatId: string, typing: boolean): void {
    this.#connection.send({ type: 'typing', chatId, typing });
  }

  /** Marks everything in the chat up to `seq` as read; sent now or on the next connection. */
  markRead(chatId: string, seq: number): void {
    if (seq <= (this.#reads.get(chatId) ?? 0)) return;
    if (this.#connection.send({ type: 'read', chatId, seq })) return;
    this.#reads.set(chatId, seq);
  }

  /** The highest seq up to which this client has handled the chat. */
  cursor(chatId: string): number {
    return this.#delivery.cursor(chatId);
  }

  #onState(change: StateChange): void {
    if (change.state === 'online') {
      if (this.#e2ee?.keysPending) void this.#e2ee.refreshKeys();
      for (const [chatId, seq] of this.#reads) {
        if (this.#connection.send({ type: 'read', chatId, seq })) this.#reads.delete(chatId);
      }
    } else {
      this.#outbox.disconnected();
    }
    void this.#events.emit('state', change);
  }

  #remember(chat: ChatSummary): void {
    this.#chats.set(chat.id, chat);
    this.#delivery.seed(chat);
  }

  async #peerOf(chatId: string): Promise<ChatPeer> {
    const chat = this.#chats.get(chatId) ?? (await this.getChat(chatId));
    const { id, username } = chat.peer;
    const peer = { id, username, identityVersion: chat.peerIdentityVersion };
    if (!chat.guest) return peer;
    return {
      ...peer,
      guest: chat.guest.role === 'host' ? { inviteId: chat.guest.inviteId } : {},
    };
  }

  /** The directory's `identity_changed`: stops the peer's chats unless the key is the pinned one. */
  async #onIdentityChanged(userId: string, version: number): Promise<void> {
    const known = [...this.#chats.values()].filter((chat) => chat.peer.id === userId);
    const chats = known.length > 0 ? known : await this.listChats();
    // Guest chats never use the directory: the link pinned the host, the first message the guest.
    const stopped = await this.#e2ee?.identityChanged(
      chats.filter((chat) => chat.peer.id === userId && chat.kind !== 'guest'),
      version,
    );
    // A message from the new identity may have stopped some of these chats already.
    const chatIds = (stopped ?? []).filter((id) => !this.#delivery.isHeld(id));
    if (chatIds.length === 0) return;
    for (const chatId of chatIds) this.#delivery.hold(chatId, userId);
    await this.#events.emit('identityChanged', { userId, chatIds });
  }

  #load(): Promise<void> {
    this.#loaded ??= Promise.all([this.#delivery.load(), this.#guests.load()]).then(
      () => undefined,
    );
    return this.#loaded;
  }
}

/** A client without a codec cannot send or read anything: every attempt fails. */
function failClosed(): PayloadCodec {
  const refuse = () =>
    Promise.reject(new KnockError('bad_request', 'No end-to-end keys configured.'));
  return { encode: refuse, decode: refuse };
}
