import { request, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export type UpgradeOutcome =
  | { upgraded: true; status: 101; socket: Socket }
  | { upgraded: false; status: number; body: string };

/**
 * One WebSocket upgrade attempt by hand, over plain HTTP: either the server switches protocols
 * (and the caller owns the socket) or it answers with an HTTP status and body.
 */
export function tryUpgrade(
  wsUrl: string,
  headers: Record<string, string> = {},
): Promise<UpgradeOutcome> {
  return beginUpgrade(wsUrl, headers).outcome;
}

/** Like `tryUpgrade`, with the request at hand so that a test can abandon it half-way. */
export function beginUpgrade(
  wsUrl: string,
  headers: Record<string, string> = {},
): { request: ClientRequest; outcome: Promise<UpgradeOutcome> } {
  const url = new URL(wsUrl.replace(/^ws/, 'http'));
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    agent: false,
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': randomBytes(16).toString('base64'),
      ...headers,
    },
  });
  const outcome = new Promise<UpgradeOutcome>((resolve, reject) => {
    req.once('upgrade', (response, socket) => {
      resolve({ upgraded: true, status: response.statusCode as 101, socket });
    });
    req.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.once('end', () =>
        resolve({ upgraded: false, status: response.statusCode ?? 0, body }),
      );
      response.once('error', reject);
    });
    req.once('error', reject);
  });
  req.end();
  return { request: req, outcome };
}
