import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Changes one request's or one response's JSON body; returns it unchanged to let it pass. */
export type Rewrite = (path: string, body: unknown) => unknown | Promise<unknown>;

export interface Misbehaviour {
  /** Applied to JSON request bodies on their way to the real server. */
  request?: Rewrite;
  /** Applied to JSON response bodies on their way back. */
  response?: Rewrite;
}

/** Headers that belong to one hop, or that fetch sets itself (it also decompresses answers). */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-encoding',
  'accept-encoding',
]);

/**
 * A server that misbehaves (T3, T4): it answers every HTTP request — the API, and the pages and
 * assets a browser loads — by asking the real server, and can rewrite the JSON that goes either
 * way, as a compromised server could. Clients talk to it as they would to Knock; it records every
 * request so that tests can show what never happened (no claim after a swapped bundle).
 * WebSockets are not relayed.
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

  /** The API requests among everything relayed (a page's requests include its assets). */
  get apiRequests(): { method: string; path: string }[] {
    return this.requests.filter((r) => r.path.startsWith('/api/'));
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  private async relay(request: IncomingMessage) {
    const path = request.url ?? '/';
    const method = request.method ?? 'GET';
    this.requests.push({ method, path });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers[name] = value;
    }
    let body: Buffer | string = await readBody(request);
    if (body.length > 0 && this.misbehaviour.request && isJson(headers['content-type'])) {
      body = await rewrite(this.misbehaviour.request, path, body.toString('utf8'));
    }
    const answer = await fetch(this.upstream + path, {
      method,
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const answerHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!HOP_HEADERS.has(name)) answerHeaders[name] = value;
    });
    let answerBody: Buffer | string = Buffer.from(await answer.arrayBuffer());
    if (
      answerBody.length > 0 &&
      this.misbehaviour.response &&
      isJson(answerHeaders['content-type'])
    )
      answerBody = await rewrite(this.misbehaviour.response, path, answerBody.toString('utf8'));
    return { status: answer.status, headers: answerHeaders, body: answerBody };
  }
}

function isJson(type: string | undefined): boolean {
  return type?.startsWith('application/json') ?? false;
}

async function rewrite(change: Rewrite, path: string, text: string): Promise<string> {
  return JSON.stringify(await change(path, JSON.parse(text) as unknown));
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
