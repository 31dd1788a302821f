/** `GET /metrics` on serve's listener: the meter's metrics in the Prometheus text format. */
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';
import type { Route } from './http-route.js';
import type { MeterMetrics } from './meter-metrics.js';

/** The /metrics route; each request renders the metrics at that moment (the age of the last reading). */
export function metricsRoute(metrics: MeterMetrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    params: [],
    handle(_req, res) {
      const body = metrics.render();
      res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' });
      res.end(body);
    },
  };
}
