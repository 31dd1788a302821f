/**
 * The query parameters of the JSON API on a real listener over a store that records what it was asked:
 * each route refuses a parameter it does not take, naming exactly the ones it takes, and a parameter given
 * empty counts as absent for every one of them alike. Needs no node:sqlite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/log/logger.js';
import { ServeEvents } from '../../src/serve/events.js';
import { apiRoutes } from '../../src/serve/http/api-routes.js';
import { parseListen, startHttpServer, type HttpServer } from '../../src/serve/http/server.js';
import type { Clock } from '../../src/time/clock.js';

const NOW = Date.parse('2024-05-01T12:10:00+09:00');
const HOUR = 3_600_000;

async function rig(t: { after(fn: () => unknown): void }) {
  const asked: unknown[][] = [];
  const page = { items: '[]', count: 0, last: null };
  const store = {
    latestReading: () => undefined,
    readingsJson: (...args: unknown[]) => (asked.push(['readings', ...args.slice(1)]), page),
    halfHoursJson: (...args: unknown[]) => (asked.push(['half-hours', ...args.slice(1)]), page),
    daily: (...args: unknown[]) => (asked.push(['daily', ...args.slice(1)]), []),
  };
  const clock: Clock = { now: () => NOW, setTimeout: () => 0, clearTimeout: () => undefined };
  const routes = apiRoutes({ store, meter: 'm', clock, events: new ServeEvents(), status: () => ({}) });
  const server = await startHttpServer(parseListen('127.0.0.1:0'), routes, silentLogger());
  t.after(() => server.close());
  return { server, asked };
}

async function get(server: HttpServer, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${server.address.port}${path}`);
  return { status: res.status, body: await res.json() };
}

test('each route refuses a parameter it does not take, naming exactly the ones it takes', async (t) => {
  const { server, asked } = await rig(t);
  const cases: [string, string][] = [
    ['/api/daily?after=abc', 'unknown parameter "after": /api/daily takes from, to'],
    ['/api/daily?from=2024-05-01&form=x', 'unknown parameter "form": /api/daily takes from, to'],
    ['/api/daily?limit=1', '/api/daily has no limit: it returns at most 400 days'],
    ['/api/readings?form=2024-05-01', 'unknown parameter "form": /api/readings takes from, to, limit, after'],
    ['/api/half-hours?page=2', 'unknown parameter "page": /api/half-hours takes from, to, limit, after'],
    ['/api/latest?meter=x', 'unknown parameter "meter": /api/latest takes no parameters'],
    ['/api/events?since=1', 'unknown parameter "since": /api/events takes no parameters'],
  ];
  for (const [path, error] of cases) assert.deepEqual(await get(server, path), { status: 400, body: { error } }, path);
  assert.deepEqual(asked, [], 'the store was not asked');
});

test('a parameter given empty counts as absent, for from, to, limit and after alike', async (t) => {
  const { server, asked } = await rig(t);
  const empty = { status: 200, body: { items: [], next: null } };
  assert.deepEqual(await get(server, '/api/readings?from=&to=&limit=&after='), empty);
  assert.deepEqual(await get(server, '/api/half-hours?after=&from=2024-05-01T00:00:00Z'), empty);
  assert.deepEqual(await get(server, '/api/daily?from=&to='), { status: 200, body: { items: [] } });
  assert.deepEqual(asked, [
    ['readings', NOW - 24 * HOUR, NOW, 1000, undefined],
    ['half-hours', Date.parse('2024-05-01T00:00:00Z'), NOW, 1000, undefined],
    ['daily', NOW - 31 * 24 * HOUR, NOW],
  ]);
  // after with an empty from is after without its from: refused as before.
  assert.deepEqual(await get(server, '/api/readings?after=3&from='), {
    status: 400,
    body: { error: 'after needs the from it came with (follow the next link)' },
  });
});

test('/healthz and /metrics take no parameters, and no route takes one given twice', async (t) => {
  const { healthzRoute } = await import('../../src/serve/http/healthz-route.js');
  const { metricsRoute } = await import('../../src/output/metrics/metrics-route.js');
  type Health = Parameters<typeof healthzRoute>[0]['health'];
  type Metrics = Parameters<typeof metricsRoute>[0];
  const health = { status: () => ({ state: 'up', last_reading_age_s: 1 }), healthy: () => true } as unknown as Health;
  const metrics = { render: () => '# no samples\n' } as unknown as Metrics;
  const routes = [
    ...apiRoutes({
      store: { latestReading: () => undefined } as never,
      meter: 'm',
      clock: { now: () => NOW, setTimeout: () => 0, clearTimeout: () => undefined },
      events: new ServeEvents(),
      status: () => ({}),
    }),
    healthzRoute({ health, startedMs: NOW }),
    metricsRoute(metrics),
  ];
  const server = await startHttpServer(parseListen('127.0.0.1:0'), routes, silentLogger());
  t.after(() => server.close());
  const cases: [string, string][] = [
    ['/healthz?verbose=1', 'unknown parameter "verbose": /healthz takes no parameters'],
    ['/metrics?x=1', 'unknown parameter "x": /metrics takes no parameters'],
    ['/api/readings?limit=1&limit=2', 'limit is given more than once: give it once'],
    ['/api/daily?from=2024-05-01&from=2024-05-02', 'from is given more than once: give it once'],
  ];
  for (const [path, error] of cases) assert.deepEqual(await get(server, path), { status: 400, body: { error } }, path);
  assert.equal((await fetch(`http://127.0.0.1:${server.address.port}/healthz`)).status, 200);
  const plain = await fetch(`http://127.0.0.1:${server.address.port}/metrics`);
  assert.deepEqual([plain.status, await plain.text()], [200, '# no samples\n']);
});
