/**
 * GET /healthz: 200 `{ status: 'ok', last_reading_age_s, session }` while readings come, 503
 * `{ status: 'unhealthy', … }` when none came for 3 intervals (or serve has stopped) — for
 * systemd watchdogs, Docker HEALTHCHECK and uptime monitors.
 */
import type { Health } from '../health.js';
import { sendJson, type Route } from './route.js';

/** The /healthz route; `startedMs` counts as the last reading until the first one comes. */
export function healthzRoute(deps: { health: Health; startedMs: number }): Route {
  return {
    method: 'GET',
    path: '/healthz',
    params: [],
    handle: (_req, res) => {
      const status = deps.health.status();
      const ok = deps.health.healthy(deps.startedMs);
      sendJson(res, ok ? 200 : 503, {
        status: ok ? 'ok' : 'unhealthy',
        last_reading_age_s: status.last_reading_age_s,
        session: status.state,
      });
    },
  };
}
