/**
 * The WebSocket seam. The SDK never touches a WebSocket implementation directly: the host passes a
 * `SocketFactory` (`ws-adapter.node.ts` in Node; a browser adapter wraps the global `WebSocket`).
 */

export interface SocketRequest {
  url: string;
  /** Bearer token for the upgrade request. Browsers cannot send headers and rely on the cookie. */
  token?: string;
}

/** Callbacks an adapter calls. `close` is called exactly once per socket, also after a failure. */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(code: number, reason: string): void;
  error(error: unknown): void;
}

export interface Socket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (request: SocketRequest, handlers: SocketHandlers) => Socket;

/** Close codes of the WebSocket standard that this client produces or reads. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_ABNORMAL = 1006;

/** `http(s)://host` → `ws(s)://host/path`. */
export function toWebSocketUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (/^https:/i.test(base)) return `wss:${base.slice('https:'.length)}${path}`;
  if (/^http:/i.test(base)) return `ws:${base.slice('http:'.length)}${path}`;
  return base + path;
}
