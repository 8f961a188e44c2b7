import type { Socket, SocketFactory, SocketHandlers, SocketRequest } from '../socket.js';

/** A scripted socket: the test plays the server by calling the handlers directly. */
export class FakeSocket implements Socket {
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | undefined;

  constructor(
    readonly request: SocketRequest,
    readonly handlers: SocketHandlers,
  ) {}

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = {
      ...(code !== undefined && { code }),
      ...(reason !== undefined && { reason }),
    };
  }

  /** Opens the socket and says `ready`, as a server would. */
  accept(userId = 'AAAAAAAAAAAAAAAAAAAAAA'): void {
    this.handlers.open();
    this.receive({ type: 'ready', userId, serverTime: 0, protocol: 1 });
  }

  receive(frame: unknown): void {
    this.handlers.message(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  sentFrames(): unknown[] {
    return this.sent.map((text) => JSON.parse(text) as unknown);
  }
}

export function fakeSocketFactory(): { factory: SocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (request, handlers) => {
    const socket = new FakeSocket(request, handlers);
    sockets.push(socket);
    return socket;
  };
  return { factory, sockets };
}
