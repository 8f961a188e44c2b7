// Node-only test helper: an in-process WebSocket server that speaks the Knock frame protocol with
// just enough of the delivery semantics (DESIGN §4) to exercise the client, plus hooks to misbehave.
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseClientFrame } from '@knock/protocol/codec';
import type { ClientFrame, ServerFrame } from '@knock/protocol/frames';
import { WS_PATH } from '@knock/protocol/limits';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';

export interface StoredMessage {
  seq: number;
  senderId: string;
  clientMessageId: string;
  sentAt: number;
  ciphertext: string;
}

interface FakeChat {
  members: [string, string];
  messages: StoredMessage[];
  acked: Map<string, number>;
}

interface Peer {
  userId: string;
  ws: WebSocket;
}

/** Behaviour switches a test flips to provoke the client's recovery paths. */
export interface Misbehaviour {
  /** Store sends but never answer with `sent`. */
  swallowSendAcks?: boolean;
  /** Answer sends with this error code instead of storing them. */
  rejectSendsWith?: string;
  /** Do not push these seqs live (they can still be replayed). */
  dropLivePushes?: Set<number>;
  /** Push every live message twice. */
  duplicateLivePushes?: boolean;
}

export class FakeKnockServer {
  readonly frames = new EventEmitter<{ frame: [userId: string, frame: ClientFrame] }>();
  readonly chats = new Map<string, FakeChat>();
  readonly misbehave: Misbehaviour = {};
  readonly #tokens = new Map<string, string>();
  readonly #peers = new Set<Peer>();
  readonly #wss: WebSocketServer;
  #now = 1_700_000_000_000;

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (ws, request) => {
      const auth = request.headers.authorization ?? '';
      const userId = this.#tokens.get(auth.replace(/^Bearer /, ''));
      if (userId === undefined) {
        ws.close(4401, 'unauthorized');
        return;
      }
      this.#accept({ userId, ws });
    });
  }

  static async start(): Promise<FakeKnockServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: WS_PATH });
    await once(wss, 'listening');
    return new FakeKnockServer(wss);
  }

  /** The HTTP origin to give the client (only the WebSocket endpoint exists). */
  get url(): string {
    return `http://127.0.0.1:${(this.#wss.address() as AddressInfo).port}`;
  }

  get connectionCount(): number {
    return this.#peers.size;
  }

  addUser(userId: string, token: string): void {
    this.#tokens.set(token, userId);
  }

  addChat(chatId: string, a: string, b: string): void {
    this.chats.set(chatId, { members: [a, b], messages: [], acked: new Map() });
  }

  acked(chatId: string, userId: string): number {
    return this.chats.get(chatId)?.acked.get(userId) ?? 0;
  }

  /** Sends a raw frame to every connection of a user. */
  push(userId: string, frame: ServerFrame | Record<string, unknown>): void {
    for (const peer of this.#peers) if (peer.userId === userId) peer.ws.send(JSON.stringify(frame));
  }

  /** Drops every connection abruptly (as a crashed server or a dead network would). */
  terminateAll(): void {
    for (const peer of this.#peers) peer.ws.terminate();
  }

  /** Resolves with the next frame from `userId` that matches. */
  async nextFrame<T extends ClientFrame['type']>(
    userId: string,
    type: T,
    match: (frame: Extract<ClientFrame, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ClientFrame, { type: T }>> {
    return new Promise((resolve) => {
      const listener = (from: string, frame: ClientFrame): void => {
        if (from !== userId || frame.type !== type) return;
        const typed = frame as Extract<ClientFrame, { type: T }>;
        if (!match(typed)) return;
        this.frames.off('frame', listener);
        resolve(typed);
      };
      this.frames.on('frame', listener);
    });
  }

  async close(): Promise<void> {
    for (const peer of this.#peers) peer.ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(peer: Peer): void {
    this.#peers.add(peer);
    peer.ws.on('close', () => this.#peers.delete(peer));
    peer.ws.on('message', (data: WebSocket.RawData) => {
      const parsed = parseClientFrame(data.toString());
      if (!parsed.ok) {
        peer.ws.close(1008, 'invalid frame');
        return;
      }
      this.#handle(peer, parsed.value);
      this.frames.emit('frame', peer.userId, parsed.value);
    });
    this.#send(peer, { type: 'ready', userId: peer.userId, serverTime: this.#now, protocol: 1 });
    for (const [chatId, chat] of this.chats) {
      if (!chat.members.includes(peer.userId)) continue;
      this.#replay(peer, chatId, chat, chat.acked.get(peer.userId) ?? 0);
    }
  }

  #handle(peer: Peer, frame: ClientFrame): void {
    const chat = this.chats.get(frame.chatId);
    if (!chat || !chat.members.includes(peer.userId)) {
      const ref = frame.type === 'send' ? frame.clientMessageId : frame.chatId;
      this.#send(peer, { type: 'error', code: 'chat_not_found', message: 'no chat', ref });
      return;
    }
    switch (frame.type) {
      case 'send':
        return this.#store(peer, frame.chatId, chat, frame.clientMessageId, frame.ciphertext);
      case 'ack':
        chat.acked.set(peer.userId, Math.max(frame.seq, chat.acked.get(peer.userId) ?? 0));
        return;
      case 'sync':
        return this.#replay(peer, frame.chatId, chat, frame.afterSeq);
      case 'read':
      case 'typing':
        return;
    }
  }

  #store(peer: Peer, chatId: string, chat: FakeChat, id: string, ciphertext: string): void {
    if (this.misbehave.rejectSendsWith !== undefined) {
      const code = this.misbehave.rejectSendsWith;
      this.#send(peer, { type: 'error', code, message: code, ref: id });
      return;
    }
    let message = chat.messages.find((m) => m.senderId === peer.userId && m.clientMessageId === id);
    const fresh = message === undefined;
    if (!message) {
      message = {
        seq: chat.messages.length + 1,
        senderId: peer.userId,
        clientMessageId: id,
        sentAt: ++this.#now,
        ciphertext,
      };
      chat.messages.push(message);
    }
    if (!this.misbehave.swallowSendAcks) {
      this.#send(peer, {
        type: 'sent',
        chatId,
        clientMessageId: id,
        seq: message.seq,
        sentAt: message.sentAt,
      });
    }
    if (!fresh || this.misbehave.dropLivePushes?.has(message.seq)) return;
    for (const other of this.#peers) {
      if (other === peer || !chat.members.includes(other.userId)) continue;
      this.#send(other, { type: 'message', chatId, ...message });
      if (this.misbehave.duplicateLivePushes)
        this.#send(other, { type: 'message', chatId, ...message });
    }
  }

  #replay(peer: Peer, chatId: string, chat: FakeChat, afterSeq: number): void {
    for (const message of chat.messages) {
      if (message.seq > afterSeq) this.#send(peer, { type: 'message', chatId, ...message });
    }
  }

  #send(peer: Peer, frame: ServerFrame): void {
    peer.ws.send(JSON.stringify(frame));
  }
}
