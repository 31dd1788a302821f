/**
 * The route shape of `bmeter serve`'s HTTP listener (node:http). serve defines the same shape in
 * src/serve/http/route.ts; this file can become `export type { Route } from '../../serve/http/route.js'`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One GET route: `handle` writes the whole answer. */
export interface Route {
  method: 'GET';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void | Promise<void>;
}
