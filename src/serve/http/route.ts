/**
 * One HTTP route of `bmeter serve`'s listener. The API (api-routes.ts), /healthz, /metrics and
 * the dashboard each export their routes in this shape; server.ts dispatches on method and path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Route {
  method: 'GET';
  /** The exact path, or a prefix ending in `/*` (e.g. `/assets/*`). */
  path: string;
  /**
   * The query parameters it takes; the listener answers 400 for any other (params.ts onlyParams) before the
   * route runs. Absent: the route checks them itself (the API's) or takes any (the dashboard's page).
   */
  params?: readonly string[];
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void | Promise<void>;
}

/** Sends `body` as JSON with `status` (no caching: the values change with every reading). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** Sends JSON already in text form. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** A request the client got wrong: 400 `{ "error": message }`. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/** Whether `route` serves `path`. */
export function routeMatches(route: Route, path: string): boolean {
  return route.path.endsWith('/*') ? path.startsWith(route.path.slice(0, -1)) : path === route.path;
}
