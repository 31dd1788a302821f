/**
 * The listener of `bmeter serve` (node:http): dispatches GET requests to the routes, answers
 * 404 for an unknown path, 405 for another method, 400 for a BadRequest thrown by a route and
 * 500 (logged, without details to the client) for anything else.
 */
import { createServer, type Server } from 'node:http';
import { BmeterError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { onlyParams } from './params.js';
import { BadRequest, routeMatches, sendJson, type Route } from './route.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `--listen`: "host:port", "[v6]:port" or ":port"/"port" (loopback). Throws USAGE for
 * anything else, naming the flag.
 */
export function parseListen(value: string): ListenAddress {
  const m =
    /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim()) ?? /^()()(\d{1,5})$/.exec(value.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BmeterError('USAGE', `--listen "${value}" is not host:port, e.g. 127.0.0.1:8080 or [::1]:8080`);
  }
  const host = [m[1], m[2]].find((h) => h !== undefined && h !== '') ?? '127.0.0.1';
  return { host, port };
}

/** Whether a listen host stays on this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface HttpServer {
  /** The bound address (port 0 resolves to the one the OS chose). */
  readonly address: ListenAddress;
  /** Stops listening and ends open connections (server-sent event streams too). */
  close(): Promise<void>;
}

/**
 * Listens on `address` with `routes`, looked up on every request (the caller may change the array: serve binds
 * first and puts its routes in once the store is open). Throws USAGE when the address is taken or not ours.
 */
export async function startHttpServer(
  address: ListenAddress,
  routes: readonly Route[],
  logger: Logger,
): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bmeter.invalid');
    const matching = routes.filter((r) => routeMatches(r, url.pathname));
    const route = matching.find((r) => r.method === req.method || (req.method === 'HEAD' && r.method === 'GET'));
    if (route === undefined) {
      if (matching.length > 0) {
        res.setHeader('allow', 'GET');
        return sendJson(res, 405, { error: `${req.method ?? '?'} is not allowed on ${url.pathname}; use GET` });
      }
      return sendJson(res, 404, { error: `no such path: ${url.pathname}` });
    }
    Promise.resolve()
      .then(() => {
        if (route.params !== undefined) onlyParams(url, route.params);
        return route.handle(req, res, url);
      })
      .catch((err: unknown) => {
        if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
        logger.error({ err: (err as Error).message, path: url.pathname }, 'HTTP request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error; see the bmeter log' });
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is in use (another bmeter serve?)' : err.message;
      reject(
        new BmeterError('USAGE', `cannot listen on ${address.host}:${address.port}: ${why}; choose another --listen`, {
          cause: err,
        }),
      );
    });
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;
  return {
    address: { host: address.host, port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
