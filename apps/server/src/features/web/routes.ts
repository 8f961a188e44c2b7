import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { join } from 'node:path';
import { AppError } from '../../platform/errors.js';
import { escapeAttribute, loadApp, pickEncoding, type Asset } from './assets.js';

export interface WebOptions {
  /** `<appsDir>/web/dist` and `<appsDir>/guest/dist`. */
  appsDir: string;
  termsUrl: string;
  chatTtlDays: number;
}

/** The guest page lives under this path; everything it loads does too. */
const GUEST_BASE = '/j/';
/**
 * Where the hashes of every served file are published, each under the URL that serves it (an
 * app's index.html under its page: `/j`, `/`), to compare against a release.
 */
export const ASSET_MANIFEST_PATH = '/.well-known/knock-assets.json';

/**
 * Serves the built browser apps: the guest page at `/j` (DESIGN §5: the link's fragment never
 * reaches the server), the terms at `/terms`, and the web app at `/` and every other page path.
 * Files come from memory, compressed at start; hashed assets are cached for a year.
 */
export async function registerWebRoutes(app: FastifyInstance, options: WebOptions): Promise<void> {
  const settings =
    `<meta name="knock-terms" content="${escapeAttribute(options.termsUrl)}">` +
    `<meta name="knock-chat-ttl-days" content="${options.chatTtlDays}">`;
  // A function, not a string: `$&`, `$'` and `` $` `` in a terms URL must stay text.
  const withSettings = (html: string) => html.replace('</head>', () => `${settings}</head>`);
  const guest = await loadApp(join(options.appsDir, 'guest', 'dist'), GUEST_BASE, withSettings);
  const web = await loadApp(join(options.appsDir, 'web', 'dist'), '/', withSettings);
  const guestPage = guest.get(`${GUEST_BASE}index.html`);
  const terms = guest.get(`${GUEST_BASE}terms.html`);
  const webPage = web.get('/index.html');
  // Each file under the URL it is served at: an app's index.html only as its page.
  const files = new Map([...web, ...guest].filter(([path]) => !path.endsWith('/index.html')));
  const pages: [string, Asset | undefined][] = [
    ['/j', guestPage],
    ['/terms', terms],
    ['/', webPage],
  ];
  const manifest = JSON.stringify(
    Object.fromEntries(
      [...files, ...pages]
        .flatMap(([path, asset]) => (asset ? [[path, `sha256-${asset.sha256}`]] : []))
        .sort(),
    ),
  );

  const page = (asset: Asset | undefined) => (request: FastifyRequest, reply: FastifyReply) => {
    if (!asset) throw new AppError('not_found');
    return send(request, reply, asset);
  };
  app.get('/j', page(guestPage));
  app.get('/terms', page(terms));
  app.get(ASSET_MANIFEST_PATH, (_request, reply) =>
    reply.type('application/json').header('cache-control', 'no-cache').send(manifest),
  );
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const asset = files.get(path);
    if (asset) return send(request, reply, asset);
    if (webPage && isPagePath(path)) return send(request, reply, webPage);
    throw new AppError('not_found');
  });
}

/**
 * Whether the web app routes this path: not the API's, not the guest page's, no file name, and
 * no `.` or `..` segment, plain or percent-encoded (nothing that looks like a way out).
 */
function isPagePath(path: string): boolean {
  if (path === '/api' || path.startsWith('/api/') || path.startsWith(GUEST_BASE)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  const segments = decoded.split(/[/\\]/);
  return !segments.some((s) => s === '.' || s === '..') && !/\.[a-z0-9]+$/i.test(decoded);
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  const encoding = pickEncoding(request.headers['accept-encoding']);
  reply
    .type(asset.type)
    .header('vary', 'accept-encoding')
    .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (encoding) reply.header('content-encoding', encoding);
  return reply.send(
    encoding === 'br' ? asset.brotli() : encoding === 'gzip' ? asset.gzip() : asset.body,
  );
}
