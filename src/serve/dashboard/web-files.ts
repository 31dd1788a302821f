/**
 * The built dashboard (dist/web: index.html and assets/*, made by scripts/build-web.mjs) read
 * into memory once: a handful of small files, each kept with its content type, ETag and gzip form.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One file ready to send. */
export interface WebFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  /** Content-hashed name (app-XXXX.js): may be cached for a year. */
  immutable: boolean;
}

/** index.html and the assets by file name. */
export interface WebFiles {
  index: WebFile;
  assets: ReadonlyMap<string, WebFile>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** A safe asset name: one path segment of letters, digits, '.', '-', '_' and no leading dot. */
export const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * dist/web beside the running code: dist/bmeter.cjs (the bundle) and dist/serve/… (tsc output)
 * both find <package>/dist/web, and so do the sources under src/ run by tsx (tests).
 */
export function defaultWebRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = basename(dir) === 'dist' ? join(dir, 'web') : join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function load(path: string, immutable: boolean): WebFile {
  const body = readFileSync(path);
  const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  const compressible = type.startsWith('text/') || type === 'image/svg+xml' || type === 'application/json';
  return {
    body,
    gzip: compressible && body.length > 1024 ? gzipSync(body) : undefined,
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    immutable,
  };
}

/**
 * Reads a built dashboard.
 * @throws Error (ENOENT) when root/index.html is missing
 */
export function readWebFiles(root: string): WebFiles {
  const index = load(join(root, 'index.html'), false);
  const assets = new Map<string, WebFile>();
  const dir = join(root, 'assets');
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !ASSET_NAME.test(entry.name)) continue;
      assets.set(entry.name, load(join(dir, entry.name), /-[A-Z0-9]{8}\.(js|css)$/.test(entry.name)));
    }
  }
  return { index, assets };
}
