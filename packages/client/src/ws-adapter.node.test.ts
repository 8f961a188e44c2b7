import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createWebSocketFactory } from './web-socket-adapter.js';
import { createNodeSocketFactory } from './ws-adapter.node.js';

let wss: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  wss = undefined;
});

async function server(
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
): Promise<string> {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await once(wss, 'listening');
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`;
}

function open(url: string, token?: string) {
  const events: string[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    createNodeSocketFactory()(token === undefined ? { url } : { url, token }, {
      open: () => events.push('open'),
      message: (data) => events.push(`message ${data}`),
      error: () => events.push('error'),
      close: (code, reason) => {
        events.push('close');
        resolve({ code, reason });
      },
    });
  });
  return { events, closed };
}

describe('Node WebSocket adapter', () => {
  it('sends the bearer token on the upgrade and delivers text frames', async () => {
    const url = await server();
    const seen = new Promise<string | undefined>((resolve) => {
      wss!.on('connection', (ws, request) => {
        resolve(request.headers.authorization);
        ws.send('{"hello":1}');
        ws.close(1001, 'going away');
      });
    });
    const socket = open(url, 'tok');
    expect(await seen).toBe('Bearer tok');
    expect(await socket.closed).toEqual({ code: 1001, reason: 'going away' });
    expect(socket.events).toEqual(['open', 'message {"hello":1}', 'close']);
  });

  it('reports an upgrade refused with HTTP 401 as close code 4401, once', async () => {
    const url = await server({ verifyClient: (_info, done) => done(false, 401, 'Unauthorized') });
    const socket = open(url, 'bad');
    expect(await socket.closed).toEqual({ code: 4401, reason: 'HTTP 401' });
    expect(socket.events.filter((e) => e === 'close')).toHaveLength(1);
  });

  it('reports other refusals and unreachable servers as abnormal closes', async () => {
    const url = await server({ verifyClient: (_info, done) => done(false, 503, 'Busy') });
    expect(await open(url).closed).toEqual({ code: 1006, reason: 'HTTP 503' });
    const unreachable = await open('ws://127.0.0.1:1/api/ws').closed;
    expect(unreachable.code).toBe(1006);
  });
});

describe('standard WebSocket adapter', () => {
  it('maps the WHATWG events (here from ws, which implements them) to the handlers', async () => {
    const url = await server();
    wss!.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => ws.send(`echo ${data.toString()}`));
    });
    const events: string[] = [];
    const closed = new Promise<number>((resolve) => {
      const socket = createWebSocketFactory(WebSocket)(
        { url, token: 'ignored' },
        {
          open: () => socket.send('ping'),
          message: (data) => {
            events.push(data);
            socket.close(1000, 'done');
          },
          error: () => events.push('error'),
          close: (code) => resolve(code),
        },
      );
    });
    expect(await closed).toBe(1000);
    expect(events).toEqual(['echo ping']);
  });
});
