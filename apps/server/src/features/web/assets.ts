import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** A file of a built browser app, held in memory with its compressed forms. */
export interface Asset {
  readonly body: Buffer;
  /** Compressed on first use, then kept. */
  gzip(): Buffer;
  brotli(): Buffer;
  readonly type: string;
  /** Content-hashed by the build: cached for a year. */
  readonly immutable: boolean;
  readonly sha256: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Rewrites a page's HTML as it is loaded (settings the page reads from its meta tags). */
export type HtmlTransform = (html: string) => string;

/**
 * Loads every file of a built app under `dir` as URL path `base + relative path`, each compressed
 * once when first asked for. Nothing is read from disk per request, so no request path ever
 * reaches the file system.
 * Resolves with an empty map when the app is not built.
 */
export async function loadApp(
  dir: string,
  base: string,
  transformHtml: HtmlTransform,
): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch {
    return assets;
  }
  for (const file of files) {
    const type = TYPES[extname(file)];
    if (type === undefined) continue; // source maps and strays are not served
    const path = base + relative(dir, file).split(sep).join('/');
    let body = await readFile(file);
    if (type.startsWith('text/html')) body = Buffer.from(transformHtml(body.toString('utf8')));
    const content = body;
    assets.set(path, {
      body,
      gzip: once(() => gzipSync(content, { level: 9 })),
      brotli: once(() =>
        brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      ),
      type,
      immutable: /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(path),
      sha256: createHash('sha256').update(body).digest('base64'),
    });
  }
  return assets;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** An encoding the server compresses with; `undefined` sends the file as it is. */
export type Encoding = 'br' | 'gzip';

/**
 * The encoding to answer with, from an `Accept-Encoding` header: the one with the highest
 * weight, brotli on a tie; `q=0` refuses one, and `*` stands for any not named.
 */
export function pickEncoding(header: string | undefined): Encoding | undefined {
  const weights = new Map<string, number>();
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim());
    if (name === '') continue;
    const q = params.find((p) => p.startsWith('q='));
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)));
  }
  const weight = (name: Encoding) => weights.get(name) ?? weights.get('*') ?? 0;
  const best = weight('br') >= weight('gzip') ? 'br' : 'gzip';
  // NaN (a malformed weight) is not above 0 either.
  return weight(best) > 0 ? best : undefined;
}

/** Escapes text for an HTML attribute value. */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function once(make: () => Buffer): () => Buffer {
  let made: Buffer | undefined;
  return () => (made ??= make());
}
