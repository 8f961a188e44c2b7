import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { join } from 'node:path';
import { AppError } from '../../platform/errors.js';
import { escapeAttribute, loadApp, type Asset } from './assets.js';

export interface WebOptions {
  /** `<appsDir>/web/dist` and `<appsDir>/guest/dist`. */
  appsDir: string;
  termsUrl: string;
  chatTtlDays: number;
}

/** The guest page lives under this path; everything it loads does too. */
const GUEST_BASE = '/j/';
/** Where the hashes of every served file are published, to compare against a release. */
export const ASSET_MANIFEST_PATH = '/.well-known/knock-assets.json';

/**
 * Serves the built browser apps: the guest page at `/j` (DESIGN §5: the link's fragment never
 * reaches the server), the terms at `/terms`, and the web app at `/` and every other page path.
 * Files come from memory, compressed at start; hashed assets are cached for a year.
 */
export async function registerWebRoutes(app: FastifyInstance, options: WebOptions): Promise<void> {
  const withSettings = (html: string) =>
    html.replace(
      '</head>',
      `<meta name="knock-terms" content="${escapeAttribute(options.termsUrl)}">` +
        `<meta name="knock-chat-ttl-days" content="${options.chatTtlDays}"></head>`,
    );
  const guest = await loadApp(join(options.appsDir, 'guest', 'dist'), GUEST_BASE, withSettings);
  const web = await loadApp(join(options.appsDir, 'web', 'dist'), '/', withSettings);
  const all = new Map([...web, ...guest]);
  const guestPage = guest.get(`${GUEST_BASE}index.html`);
  const terms = guest.get(`${GUEST_BASE}terms.html`);
  const webPage = web.get('/index.html');
  const manifest = JSON.stringify(
    Object.fromEntries([...all].map(([path, asset]) => [path, `sha256-${asset.sha256}`]).sort()),
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
    const asset = all.get(path);
    if (asset && path !== '/index.html' && !path.endsWith('/index.html')) {
      return send(request, reply, asset);
    }
    // Any other page path is the web app's to route; API paths and files are not.
    const isPage =
      !path.startsWith('/api/') && !path.startsWith(GUEST_BASE) && !/\.[a-z0-9]+$/i.test(path);
    if (isPage && webPage) return send(request, reply, webPage);
    throw new AppError('not_found');
  });
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const brotli = /\bbr\b/.test(accepted);
  const gzip = !brotli && /\bgzip\b/.test(accepted);
  reply
    .type(asset.type)
    .header('vary', 'accept-encoding')
    .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (brotli) reply.header('content-encoding', 'br');
  else if (gzip) reply.header('content-encoding', 'gzip');
  return reply.send(brotli ? asset.brotli() : gzip ? asset.gzip() : asset.body);
}
