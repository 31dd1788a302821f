/**
 * The JSON API of `bmeter serve` (all times ISO 8601; lists oldest first, capped and paged):
 * - GET /api/latest → { meter, reading: <record + meter> | null }
 * - GET /api/readings?from=&to=&limit=&after= → { items, next } (from default to − 24 h, to default now)
 * - GET /api/half-hours?from=&to=&limit=&after= → { items, next } (same defaults). A half hour is in the range
 *   when it BEGINS there (its slot_start marks its END: slot_start − 30 min in [from, to)), so
 *   from=2024-05-01&to=2024-05-02 is that day's 48 half hours (marks 00:30 … 24:00), the ones /api/daily sums
 *   for it and `bmeter plot` draws.
 * - GET /api/daily?from=&to= → { items: [{ date, consumed_kwh, exported_kwh, slots }] } (Japan-time
 *   days, from default to − 31 days, at most 400 days)
 * - GET /api/events → server-sent events (events-route.ts)
 * Each route refuses a parameter it does not take (400, naming the ones it takes); an empty one counts as absent.
 * `next` is the path of the next page or null on the last page: `from` = the last item's time (a reading's
 * timestamp; a half hour's beginning, slot_start − 30 min) and `after` = its row number, so rows of one
 * millisecond are never split between pages and lost.
 * Nothing here knows the Route-B ID or password: only the store's rows and the health status.
 */
import type { Clock } from '../../time/clock.js';
import type { ServeEvents } from '../events.js';
import type { ServerResponse } from 'node:http';
import type { JsonPage, PageEnd, ServeStore } from '../store-port.js';
import { eventsRoute } from './events-route.js';
import { afterParam, limitParam, onlyParams, rangeParams } from './params.js';
import { BadRequest, sendJson, sendJsonText, type Route } from './route.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ApiDeps {
  store: Pick<ServeStore, 'latestReading' | 'readingsJson' | 'halfHoursJson' | 'daily'>;
  /** The meter's MAC, lower case. */
  meter: string;
  clock: Clock;
  events: ServeEvents;
  /** The current status for a new event stream (Health.status). */
  status: () => unknown;
}

/** The /api/* routes. */
export function apiRoutes(deps: ApiDeps): Route[] {
  const now = (): number => deps.clock.now();
  return [
    {
      method: 'GET',
      path: '/api/latest',
      handle: (_req, res, url) => {
        onlyParams(url, []);
        const reading = deps.store.latestReading(deps.meter) ?? null;
        sendJson(res, 200, { meter: deps.meter, reading });
      },
    },
    pageRoute('/api/readings', now, (from, to, limit, after) =>
      deps.store.readingsJson(deps.meter, from, to, limit, after),
    ),
    pageRoute('/api/half-hours', now, (from, to, limit, after) =>
      deps.store.halfHoursJson(deps.meter, from, to, limit, after),
    ),
    {
      method: 'GET',
      path: '/api/daily',
      handle: (_req, res, url) => {
        if (url.searchParams.has('limit')) throw new BadRequest('/api/daily has no limit: it returns at most 400 days');
        onlyParams(url, ['from', 'to']);
        const { from, to } = rangeParams(url, deps.clock.now(), 31 * DAY, 400 * DAY);
        sendJson(res, 200, { items: deps.store.daily(deps.meter, from, to) });
      },
    },
    eventsRoute(deps),
  ];
}

/** A paged list route: from/to (default the last 24 h) and limit, answered as `{ items, next }`. */
function pageRoute(
  path: string,
  now: () => number,
  query: (fromMs: number, toMs: number, limit: number, afterRowid: number | undefined) => JsonPage,
): Route {
  return {
    method: 'GET',
    path,
    handle: (_req, res, url) => {
      onlyParams(url, ['from', 'to', 'limit', 'after']);
      const { from, to } = rangeParams(url, now(), DAY);
      const limit = limitParam(url);
      sendPage(res, url, query(from, to, limit, afterParam(url)), to, limit);
    },
  };
}

/** `{ items, next }` around the page's JSON text; `next` when the page is full. */
function sendPage(res: ServerResponse, url: URL, page: JsonPage, toMs: number, limit: number): void {
  const next = page.count === limit && page.last !== null ? nextPage(url, page.last, toMs, limit) : null;
  sendJsonText(res, 200, `{"items":${page.items},"next":${JSON.stringify(next)}}`);
}

/** The path of the page after the one that ended at `last`. */
function nextPage(url: URL, last: PageEnd, toMs: number, limit: number): string {
  const query = new URLSearchParams({
    from: new Date(last.ms).toISOString(),
    after: String(last.rowid),
    to: new Date(toMs).toISOString(),
    limit: String(limit),
  });
  return `${url.pathname}?${query.toString()}`;
}
