import type { ServerFrame } from '@knock/protocol/frames';
import WebSocket from 'ws';
import type { ClientSpec } from './jobs.js';

export type FrameHandler = (frame: ServerFrame) => void;

/**
 * Opens one protocol connection and resolves once the server said `ready`. Every frame, `ready`
 * included, goes to `onFrame` from the start, so nothing replayed right after `ready` is missed.
 * Frames are only JSON-parsed: the load generator trusts the server to keep it cheap, and does so
 * identically for both targets.
 */
export function openClient(
  wsUrl: string,
  spec: ClientSpec,
  localAddress: string | undefined,
  onFrame: FrameHandler,
  timeoutMs = 30_000,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const url = spec.query ? `${wsUrl}?${spec.query}` : wsUrl;
    const socket = new WebSocket(url, {
      headers: spec.token ? { authorization: `Bearer ${spec.token}` } : {},
      perMessageDeflate: false,
      ...(localAddress ? { localAddress } : {}),
    });
    let ready = false;
    const fail = (error: Error) => {
      if (ready) return;
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('no ready frame in time')), timeoutMs);
    socket.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (!ready && frame.type === 'ready') {
        ready = true;
        clearTimeout(timer);
        resolve(socket);
      }
      onFrame(frame);
    });
    socket.once('unexpected-response', (_request, response) =>
      fail(new Error(`upgrade refused: HTTP ${response.statusCode}`)),
    );
    socket.on('error', (error) => fail(error));
    socket.once('close', (code) => fail(new Error(`closed before ready: ${code}`)));
  });
}

/** `openClient` with a few retries (a refused or reset upgrade under a connection storm). */
export async function openClientWithRetry(
  wsUrl: string,
  spec: ClientSpec,
  localAddress: string | undefined,
  onFrame: FrameHandler,
  attempts = 3,
): Promise<WebSocket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openClient(wsUrl, spec, localAddress, onFrame);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Spreads connections over loopback source addresses (each has its own ephemeral ports). */
export function localAddressFor(addresses: readonly string[], index: number): string | undefined {
  return addresses.length === 0 ? undefined : addresses[index % addresses.length];
}
