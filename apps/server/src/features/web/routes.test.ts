import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { escapeAttribute, pickEncoding } from './assets.js';
import { ASSET_MANIFEST_PATH } from './routes.js';

// The browser apps as the server serves them, from small hand-made builds in a temporary
// KNOCK_APPS_DIR: pages with their settings, hashed assets, compression, the SPA fallback, the
// manifest, and what is never served. Every answer carries the security headers (T35).

const SCRIPT = `export const answer = '${'knock knock, who is there? '.repeat(40)}';\n`;
const FILES: Record<string, string> = {
  'guest/dist/index.html':
    '<!doctype html><html><head><title>Guest</title>' +
    '<script type="module" src="/j/assets/index-AbCd_f12.js"></script></head>' +
    '<body><div id="app"></div></body></html>',
  'guest/dist/terms.html':
    '<!doctype html><html><head><title>Terms</title></head><body></body></html>',
  'guest/dist/favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'guest/dist/assets/index-AbCd_f12.js': SCRIPT,
  'guest/dist/assets/index-AbCd_f12.js.map': '{"version":3}',
  'guest/dist/assets/style-Zz9-Yy8x.css': 'body { color: black; }\n',
  'web/dist/index.html':
    '<!doctype html><html><head><title>Web</title>' +
    '<script type="module" src="/assets/app-Q1w2E3r4.js"></script></head><body></body></html>',
  'web/dist/assets/app-Q1w2E3r4.js': SCRIPT.replace('answer', 'web'),
  // What a way out of the build would reach.
  'secret.txt': 'the server’s own file',
  'guest/package.json': '{"name":"not to be served"}',
};
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP request: the path goes out exactly as written, and nothing is decompressed. */
function get(
  server: TestServer,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(`${server.url}/`, { method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
    });
    call.on('error', reject);
    call.end();
  });
}

function expectSecurityHeaders({ headers }: Answer, path: string): void {
  const csp = String(headers['content-security-policy']);
  expect(csp, path).toContain("default-src 'self'");
  expect(csp, path).toContain("script-src 'self'");
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(csp, path).not.toContain('unsafe-inline');
  expect(csp, path).not.toContain('unsafe-eval');
  expect(headers['referrer-policy'], path).toBe('no-referrer');
  expect(headers['x-content-type-options'], path).toBe('nosniff');
}

async function expectNotFound(server: TestServer, path: string): Promise<void> {
  const answer = await get(server, path);
  expect(answer.status, path).toBe(404);
  expect(answer.headers['content-type'], path).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body.toString('utf8')), path).toMatchObject({ code: 'not_found' });
  expectSecurityHeaders(answer, path);
}

function withSettings(html: string, terms: string, days: string): string {
  const [head, body] = html.split('</head>');
  return (
    `${head}<meta name="knock-terms" content="${escapeAttribute(terms)}">` +
    `<meta name="knock-chat-ttl-days" content="${days}"></head>${body}`
  );
}

const sha256 = (body: Buffer) => `sha256-${createHash('sha256').update(body).digest('base64')}`;

let appsDir: string;
const servers: TestServer[] = [];

async function serve(env: Record<string, string> = {}, dir = appsDir): Promise<TestServer> {
  const server = await startTestServer({ env: { KNOCK_APPS_DIR: dir, ...env } });
  servers.push(server);
  return server;
}

beforeAll(() => {
  appsDir = mkdtempSync(join(tmpdir(), 'knock-apps-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(appsDir, path)), { recursive: true });
    writeFileSync(join(appsDir, path), text);
  }
});
afterAll(async () => {
  for (const server of servers.splice(0)) await server.close();
  rmSync(appsDir, { recursive: true, force: true });
});

describe('the browser apps as served', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve({ KNOCK_CHAT_TTL_DAYS: '7' });
  });

  it('serves the pages with their settings, never cached without asking (T35)', async () => {
    const expected: Record<string, string> = {
      '/j': FILES['guest/dist/index.html']!,
      '/j?utm=x': FILES['guest/dist/index.html']!,
      '/terms': FILES['guest/dist/terms.html']!,
      '/': FILES['web/dist/index.html']!,
      '/chats/abc': FILES['web/dist/index.html']!,
      '/settings': FILES['web/dist/index.html']!,
    };
    for (const [path, html] of Object.entries(expected)) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(answer.headers['cache-control'], path).toBe('no-cache');
      expect(answer.body.toString('utf8'), path).toBe(withSettings(html, '/terms', '7'));
      expectSecurityHeaders(answer, path);
    }
  });

  it('serves hashed assets for a year and everything else no-cache, with its type (T35)', async () => {
    const expected: Record<string, [string, string, string]> = {
      '/j/assets/index-AbCd_f12.js': [SCRIPT, 'text/javascript; charset=utf-8', IMMUTABLE],
      '/j/assets/style-Zz9-Yy8x.css': [
        FILES['guest/dist/assets/style-Zz9-Yy8x.css']!,
        'text/css; charset=utf-8',
        IMMUTABLE,
      ],
      '/assets/app-Q1w2E3r4.js': [
        FILES['web/dist/assets/app-Q1w2E3r4.js']!,
        'text/javascript; charset=utf-8',
        IMMUTABLE,
      ],
      '/j/favicon.svg': [FILES['guest/dist/favicon.svg']!, 'image/svg+xml', 'no-cache'],
    };
    for (const [path, [text, type, cache]] of Object.entries(expected)) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(200);
      expect(answer.body.toString('utf8'), path).toBe(text);
      expect(answer.headers['content-type'], path).toBe(type);
      expect(answer.headers['cache-control'], path).toBe(cache);
      expectSecurityHeaders(answer, path);
    }
  });

  it('compresses by Accept-Encoding: brotli first, then gzip, else as it is', async () => {
    const path = '/j/assets/index-AbCd_f12.js';
    const cases: [string | undefined, string | undefined][] = [
      ['gzip, deflate, br', 'br'],
      ['br;q=1.0, gzip;q=0.8', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
      ['gzip, br;q=0', 'gzip'],
      ['*', 'br'],
      ['*, br;q=0', 'gzip'],
      ['identity', undefined],
      ['gzip;q=0, br;q=0', undefined],
      [undefined, undefined],
    ];
    for (const [accept, encoding] of cases) {
      const answer = await get(
        server,
        path,
        accept === undefined ? {} : { 'accept-encoding': accept },
      );
      expect(answer.status, accept).toBe(200);
      expect(answer.headers['content-encoding'], accept).toBe(encoding);
      expect(answer.headers['vary'], accept).toMatch(/accept-encoding/i);
      const body =
        encoding === 'br'
          ? brotliDecompressSync(answer.body)
          : encoding === 'gzip'
            ? gunzipSync(answer.body)
            : answer.body;
      expect(body.toString('utf8'), accept).toBe(SCRIPT);
      if (encoding) expect(answer.body.length).toBeLessThan(Buffer.byteLength(SCRIPT));
      expectSecurityHeaders(answer, path);
    }
    // The page itself too.
    const page = await get(server, '/j', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(page.body).toString('utf8')).toContain('<div id="app">');
    expect(pickEncoding('gzip;q=nonsense, br;q=')).toBeUndefined();
  });

  it('answers HEAD like GET, without the body', async () => {
    for (const path of ['/j', '/terms', '/j/assets/index-AbCd_f12.js', '/chats/abc']) {
      const [head, full] = [await get(server, path, {}, 'HEAD'), await get(server, path)];
      expect(head.status, path).toBe(200);
      expect(head.body.length, path).toBe(0);
      for (const name of ['content-type', 'content-length', 'cache-control', 'vary'])
        expect(head.headers[name], `${path} ${name}`).toBe(full.headers[name]);
      expectSecurityHeaders(head, path);
    }
    expect((await get(server, '/j/assets/missing.js', {}, 'HEAD')).status).toBe(404);
  });

  it('answers a JSON not_found for API paths, missing files, source maps and index files', async () => {
    for (const path of [
      '/api/nope',
      '/api',
      '/assets/missing.js',
      '/j/assets/missing.js',
      '/j/assets/index-AbCd_f12.js.map',
      '/j/missing',
      '/j/',
      '/index.html',
      '/j/index.html',
      '/favicon.ico',
    ]) {
      await expectNotFound(server, path);
    }
  });

  it('never serves a file from outside the build, however the path is spelled', async () => {
    for (const path of [
      '/j/../../etc/passwd',
      '/j/%2e%2e/%2e%2e/etc/passwd',
      '/j/assets/..%2f..%2fpackage.json',
      '/j/assets/..%2F..%2F..%2Fsecret.txt',
      '/j/..%5c..%5csecret.txt',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/%2e%2e/%2e%2e/%2e%2e/secret.txt',
      '/chats/%2e%2e',
      '/./secret.txt',
    ]) {
      const answer = await get(server, path);
      const body = answer.body.toString('utf8');
      expect(body, path).not.toContain('the server’s own file');
      expect(body, path).not.toContain('not to be served');
      expect(body, path).not.toContain('root:');
      await expectNotFound(server, path);
    }
  });

  it('publishes the sha256 of every file it serves, under the URL that serves it', async () => {
    const answer = await get(server, ASSET_MANIFEST_PATH);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(answer, ASSET_MANIFEST_PATH);
    const manifest = JSON.parse(answer.body.toString('utf8')) as Record<string, string>;
    expect(Object.keys(manifest).sort()).toEqual(
      [
        '/',
        '/assets/app-Q1w2E3r4.js',
        '/j',
        '/j/assets/index-AbCd_f12.js',
        '/j/assets/style-Zz9-Yy8x.css',
        '/j/favicon.svg',
        '/j/terms.html',
        '/terms',
      ].sort(),
    );
    for (const [path, hash] of Object.entries(manifest)) {
      const served = await get(server, path);
      expect(served.status, path).toBe(200);
      expect(hash, path).toBe(sha256(served.body));
    }
  });
});

describe('settings written into the pages', () => {
  it.each([
    ['a relative URL with quotes and replacement patterns', "/terms?a='b'&c=$`$'$&$$"],
    ['an absolute URL with markup', 'https://terms.example/?q="><script>alert(1)</script>$`&x'],
  ])('escapes a hostile KNOCK_TERMS_URL: %s', async (_name, termsUrl) => {
    const server = await serve({ KNOCK_TERMS_URL: termsUrl });
    const configured = termsUrl.startsWith('/') ? termsUrl : new URL(termsUrl).href;
    for (const [path, file] of [
      ['/j', 'guest/dist/index.html'],
      ['/terms', 'guest/dist/terms.html'],
      ['/chats/abc', 'web/dist/index.html'],
    ] as const) {
      const answer = await get(server, path);
      const html = answer.body.toString('utf8');
      expect(html, path).toBe(withSettings(FILES[file]!, configured, '10'));
      // One script at most, as built, and the setting holds no markup.
      expect(html.match(/<script/g)?.length ?? 0, path).toBe(
        FILES[file]!.match(/<script/g)?.length ?? 0,
      );
      const content = /<meta name="knock-terms" content="([^"]*)">/.exec(html)?.[1] ?? '';
      expect(content).not.toMatch(/[<>"']/);
      expectSecurityHeaders(answer, path);
    }
  });
});

describe('apps that are not built', () => {
  it('answers not_found for their pages and lists nothing of them', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'knock-no-apps-'));
    try {
      const bare = await serve({}, empty);
      for (const path of ['/j', '/terms', '/', '/chats/abc', '/j/assets/index-AbCd_f12.js'])
        await expectNotFound(bare, path);
      expect(JSON.parse((await get(bare, ASSET_MANIFEST_PATH)).body.toString('utf8'))).toEqual({});

      // Only the guest page built: it works, and the web app's pages do not.
      mkdirSync(join(empty, 'guest', 'dist'), { recursive: true });
      writeFileSync(join(empty, 'guest', 'dist', 'index.html'), FILES['guest/dist/index.html']!);
      const guestOnly = await serve({}, empty);
      expect((await get(guestOnly, '/j')).status).toBe(200);
      for (const path of ['/terms', '/', '/chats/abc']) await expectNotFound(guestOnly, path);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
