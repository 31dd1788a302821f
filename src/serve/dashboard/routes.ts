/**
 * The dashboard's routes on the listener of `bmeter serve`: `/` (the page) and `/assets/<name>`
 * (its script, style and licence), served from dist/web. Only files found there at start are
 * served, by exact name — a path with '/', '..', '%2e%2e' or anything else is 404 — so nothing
 * outside dist/web/assets can be reached. The page is revalidated on every load (no-cache +
 * ETag); hashed assets are cached for a year (immutable). gzip when the browser accepts it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Route } from '../http/route.js';
import { ASSET_NAME, defaultWebRoot, readWebFiles, type WebFile, type WebFiles } from './web-files.js';

/** A route of the listener (src/serve/http/route.ts). */
export type DashboardRoute = Route;

/** Where the built dashboard is; default dist/web of this package. */
export interface DashboardOptions {
  webRoot?: string;
}

/** The page may talk to its own origin only (API and event stream); no inline script or CDN. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The routes `/` and `/assets/*`. The files are read on the first request (the listener starts
 * even when the dashboard was not built; the page then answers 500 saying how to build it).
 */
export function dashboardRoutes(options: DashboardOptions = {}): DashboardRoute[] {
  let files: WebFiles | undefined;
  const root = options.webRoot ?? defaultWebRoot();
  const get = (): WebFiles | undefined => {
    if (files === undefined && root !== undefined) {
      try {
        files = readWebFiles(root);
      } catch {
        files = undefined;
      }
    }
    return files;
  };
  const notBuilt = (res: ServerResponse): void =>
    plain(res, 500, 'The dashboard is not built (dist/web/index.html is missing): run npm run build.\n');
  return [
    {
      method: 'GET',
      path: '/',
      handle(req, res) {
        const built = get();
        if (built === undefined) return notBuilt(res);
        send(req, res, built.index);
      },
    },
    {
      method: 'GET',
      path: '/assets/*',
      handle(req, res, url) {
        const built = get();
        if (built === undefined) return notBuilt(res);
        const name = url.pathname.slice('/assets/'.length);
        const file = ASSET_NAME.test(name) ? built.assets.get(name) : undefined;
        if (file === undefined) return sendJson(res, 404, { error: `no such path: ${url.pathname}` });
        send(req, res, file);
      },
    },
  ];
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function send(req: IncomingMessage, res: ServerResponse, file: WebFile): void {
  const headers: Record<string, string> = {
    'content-type': file.type,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag: file.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (file.type.startsWith('text/html')) {
    headers['content-security-policy'] = CSP;
    headers['x-frame-options'] = 'DENY';
  }
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = file.gzip !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip && file.gzip !== undefined ? file.gzip : file.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
