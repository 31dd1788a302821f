/**
 * GET /api/events: server-sent events (text/event-stream). `event: reading` carries each new
 * record (with `meter`) as JSON; `event: status` the health status ({ state, last_reading_age_s })
 * on every change and every 10 s, and once right after connecting; a comment line every 15 s
 * keeps proxies from closing an idle stream. The stream ends after a status of `stopped`. It opens with
 * `retry: 1000`: a browser whose stream broke (serve restarted) tries again every second, where its
 * default is a few seconds (the HTML standard leaves the reconnection time to the browser).
 */
import type { Clock } from '../../time/clock.js';
import type { ServeEvent, ServeEvents } from '../events.js';
import { onlyParams } from './params.js';
import type { Route } from './route.js';

export const KEEP_ALIVE_MS = 15_000;
/** The reconnection time the stream asks browsers for (the `retry` field), in ms. */
export const RECONNECT_MS = 1000;

/** The /api/events route on `deps.events`; its keep-alive timers run on `deps.clock`. */
export function eventsRoute(deps: { events: ServeEvents; clock: Clock; status: () => unknown }): Route {
  return {
    method: 'GET',
    path: '/api/events',
    handle: (req, res, url) => {
      onlyParams(url, []);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no', // nginx: pass events through as they come
      });
      const send = (event: ServeEvent['type'], data: unknown): void => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      res.write(`: bmeter events\nretry: ${RECONNECT_MS}\n\n`);
      send('status', deps.status());
      const unsubscribe = deps.events.subscribe((event) => {
        send(event.type, event.data);
        // serve is stopping: the stream ends cleanly (a browser would report a cut-off response).
        if (event.type === 'status' && event.data.state === 'stopped') {
          stop();
          res.end();
        }
      });
      let timer: unknown;
      const keepAlive = (): void => {
        res.write(': keep-alive\n\n');
        timer = deps.clock.setTimeout(keepAlive, KEEP_ALIVE_MS);
      };
      timer = deps.clock.setTimeout(keepAlive, KEEP_ALIVE_MS);
      const stop = (): void => {
        unsubscribe();
        deps.clock.clearTimeout(timer);
      };
      req.on('close', stop);
      res.on('error', stop);
    },
  };
}
