import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Changes one request's or one response's JSON body; returns it unchanged to let it pass. */
export type Rewrite = (path: string, body: unknown) => unknown | Promise<unknown>;

export interface Misbehaviour {
  /** Applied to request bodies on their way to the real server. */
  request?: Rewrite;
  /** Applied to response bodies on their way back. */
  response?: Rewrite;
}

/**
 * A server that misbehaves (T3, T4): it answers every HTTP request of the API by asking the real
 * server and can rewrite what goes either way, as a compromised server could. Clients talk to
 * it as they would to Knock; it records every request so that tests can show what never
 * happened (no claim after a swapped bundle). WebSockets are not relayed.
 */
export class MisbehavingServer {
  readonly requests: { method: string; path: string }[] = [];
  #server: Server | undefined;

  private constructor(
    private readonly upstream: string,
    private readonly misbehaviour: Misbehaviour,
  ) {}

  static async start(upstream: string, misbehaviour: Misbehaviour): Promise<MisbehavingServer> {
    const proxy = new MisbehavingServer(upstream, misbehaviour);
    const server = createServer((request, response) => {
      proxy.relay(request).then(
        ({ status, headers, body }) => {
          response.writeHead(status, headers);
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.#server = server;
    return proxy;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  private async relay(request: IncomingMessage) {
    const path = request.url ?? '/';
    const method = request.method ?? 'GET';
    this.requests.push({ method, path });
    let body = await readBody(request);
    if (body && this.misbehaviour.request)
      body = await rewrite(this.misbehaviour.request, path, body);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(this.upstream + path, {
      method,
      headers,
      ...(body ? { body } : {}),
    });
    let text = await answer.text();
    if (text && this.misbehaviour.response) {
      text = await rewrite(this.misbehaviour.response, path, text);
    }
    return {
      status: answer.status,
      headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' },
      body: text,
    };
  }
}

async function rewrite(change: Rewrite, path: string, text: string): Promise<string> {
  return JSON.stringify(await change(path, JSON.parse(text) as unknown));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
