// Node-only: the SocketFactory for Node, on the `ws` package (Node 20 has no global WebSocket, and
// browsers cannot send the Authorization header that Node clients authenticate with).
import { MAX_FRAME_BYTES } from '@knock/protocol/limits';
import WebSocket from 'ws';
import type { SocketFactory } from './socket.js';
import { CLOSE_ABNORMAL } from './socket.js';

export interface NodeSocketOptions {
  /** How long the opening handshake may take. */
  handshakeTimeoutMs?: number;
}

/** Close code the client reports when the upgrade was refused with HTTP 401. */
const UNAUTHORIZED_CLOSE = 4401;

export function createNodeSocketFactory(options: NodeSocketOptions = {}): SocketFactory {
  return (request, handlers) => {
    const headers: Record<string, string> = {};
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
    const ws = new WebSocket(request.url, {
      headers,
      handshakeTimeout: options.handshakeTimeoutMs ?? 15_000,
      // Server frames carry at most one message plus its envelope.
      maxPayload: MAX_FRAME_BYTES * 2,
    });
    let closed = false;
    const close = (code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      handlers.close(code, reason);
    };
    ws.on('open', () => handlers.open());
    ws.on('message', (data: WebSocket.RawData) => handlers.message(rawToString(data)));
    ws.on('error', (error) => handlers.error(error));
    ws.on('close', (code, reason) => close(code, reason.toString('utf8')));
    // A server may refuse the upgrade with a plain HTTP status instead of a close frame.
    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      close(status === 401 ? UNAUTHORIZED_CLOSE : CLOSE_ABNORMAL, `HTTP ${status}`);
      req.destroy();
    });
    return {
      send: (data) => ws.send(data),
      close: (code, reason) => {
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(code, reason);
      },
    };
  };
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
