import { WS_BEARER_SUBPROTOCOL_PREFIX, WS_SUBPROTOCOL } from '@knock/protocol/limits';
import type { SocketFactory } from './socket.js';
import { CLOSE_ABNORMAL } from './socket.js';

/** The slice of the WHATWG WebSocket the adapter uses (browsers, Node 22+, `ws`). */
export interface WhatwgWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WhatwgWebSocketConstructor = new (url: string, protocols?: string[]) => WhatwgWebSocket;

const CONNECTING = 0;

/**
 * A SocketFactory over the standard WebSocket API, for browsers. Browsers cannot set headers: a
 * signed-in user's session cookie authenticates the upgrade, and a token (a guest's) travels as a
 * second subprotocol beside `knock` (see WS_SUBPROTOCOL). A refused upgrade is not
 * visible to scripts (it surfaces as close code 1006); the app learns of an expired session from
 * its next HTTP request.
 */
export function createWebSocketFactory(WebSocketImpl: WhatwgWebSocketConstructor): SocketFactory {
  return (request, handlers) => {
    const protocols = [WS_SUBPROTOCOL];
    if (request.token !== undefined) protocols.push(WS_BEARER_SUBPROTOCOL_PREFIX + request.token);
    const ws = new WebSocketImpl(request.url, protocols);
    ws.addEventListener('open', () => handlers.open());
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') handlers.message(event.data);
    });
    ws.addEventListener('error', (event) => handlers.error(event));
    ws.addEventListener('close', (event) =>
      handlers.close(event.code || CLOSE_ABNORMAL, event.reason),
    );
    return {
      send: (data) => ws.send(data),
      close: (code, reason) => {
        // Closing a socket that is still connecting is allowed without a code.
        if (ws.readyState === CONNECTING) ws.close();
        else ws.close(code, reason);
      },
    };
  };
}
