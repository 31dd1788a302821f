/**
 * The JSON API and /healthz on a real listener (loopback, port 0) over a real SQLite store, with
 * a fixed clock: values, paging, defaults, 400s, and the server-sent events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { silentLogger } from '../../src/log/logger.js';
import type { Reading } from '../../src/meter/reading.js';
import { ServeEvents } from '../../src/serve/events.js';
import { Health } from '../../src/serve/health.js';
import { apiRoutes } from '../../src/serve/http/api-routes.js';
import { healthzRoute } from '../../src/serve/http/healthz-route.js';
import { parseListen, startHttpServer, type HttpServer } from '../../src/serve/http/server.js';
import type { Clock } from '../../src/time/clock.js';
import { NEEDS_SQLITE, openTestStore } from '../fixtures/sqlite.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const METER = '001c640003dd6393';
const NOW = Date.parse('2024-05-01T12:10:00+09:00');

/** A clock standing at `now` whose timers run only when `fire()` is called. */
function fixedClock(start: number) {
  let now = start;
  const timers = new Map<number, () => void>();
  let id = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn) => {
      timers.set(++id, fn);
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  return {
    clock,
    advance: (ms: number) => (now += ms),
    fire: () => [...timers.entries()].forEach(([k, fn]) => (timers.delete(k), fn())),
  };
}

function reading(timestamp: string, power: number): Reading {
  return {
    timestamp,
    power_w: power,
    current_r_a: 2.5,
    current_t_a: 1,
    energy_normal_kwh: 12345.6,
    energy_reverse_kwh: 0.3,
    fixed_normal_at: '2024-05-01T12:00:00+09:00',
    fixed_normal_kwh: 12345.5,
    fixed_reverse_at: '2024-05-01T12:00:00+09:00',
    fixed_reverse_kwh: 0.3,
    source: 'poll',
  };
}

/** A half-hour row as history gives it: `slot_start` marks the END of the half hour whose energy it holds. */
const slot = (slot_start: string, n: number, c: number) => ({
  slot_start,
  energy_normal_kwh: n,
  energy_reverse_kwh: 0,
  consumed_kwh: c,
  exported_kwh: 0,
});

async function get(server: HttpServer, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${server.address.port}${path}`);
  return { status: res.status, body: await res.json() };
}

async function rig(t: { after(fn: () => unknown): void }) {
  const dir = tempDirFor(t);
  const store = await openTestStore(dir.file('api.db'));
  const { clock, advance, fire } = fixedClock(NOW);
  const health = new Health(clock, 30_000);
  const events = new ServeEvents();
  const routes = [
    ...apiRoutes({ store, meter: METER, clock, events, status: () => health.status() }),
    healthzRoute({ health, startedMs: NOW - 5_000 }),
  ];
  const server = await startHttpServer(parseListen('127.0.0.1:0'), routes, silentLogger());
  t.after(async () => {
    await server.close();
    store.close();
  });
  return { store, server, health, events, advance, fire };
}

test(
  '/api/latest is the newest reading with the meter, or null before the first',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { store, server } = await rig(t);
    assert.deepEqual(await get(server, '/api/latest'), { status: 200, body: { meter: METER, reading: null } });
    store.insertReading(METER, reading('2024-05-01T12:09:00.000+09:00', 410));
    store.insertReading(METER, reading('2024-05-01T12:09:30.000+09:00', 420));
    assert.deepEqual(await get(server, '/api/latest'), {
      status: 200,
      body: {
        meter: METER,
        reading: {
          meter: METER,
          timestamp: '2024-05-01T12:09:30.000+09:00',
          source: 'poll',
          power_w: 420,
          current_r_a: 2.5,
          current_t_a: 1,
          energy_normal_kwh: 12345.6,
          energy_reverse_kwh: 0.3,
          fixed_normal_at: '2024-05-01T12:00:00+09:00',
          fixed_normal_kwh: 12345.5,
          fixed_reverse_at: '2024-05-01T12:00:00+09:00',
          fixed_reverse_kwh: 0.3,
        },
      },
    });
  },
);

test(
  '/api/readings defaults to the last 24 hours and pages with next until null',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { store, server } = await rig(t);
    store.insertReading(METER, reading('2024-04-30T12:09:59.000+09:00', 1)); // 24 h + 1 s ago: outside the default range
    store.insertReading(METER, reading('2024-05-01T12:00:00.000+09:00', 2));
    store.insertReading(METER, reading('2024-05-01T12:00:30.000+09:00', 3));
    store.insertReading(METER, reading('2024-05-01T12:01:00.000+09:00', 4));
    const all = await get(server, '/api/readings');
    assert.deepEqual(
      all.body.items.map((r: Reading) => r.power_w),
      [2, 3, 4],
    );
    assert.equal(all.body.next, null);
    assert.equal(all.body.items[0].meter, METER);
    // Whole numbers as /api/latest and the events write them: 2, not 2.0.
    const text = await (await fetch(`http://127.0.0.1:${server.address.port}/api/readings`)).text();
    assert.match(text, /"power_w":2,/);
    assert.doesNotMatch(text, /\d\.0[,}]/);
    assert.deepEqual(Object.keys(all.body.items[0]), [
      'meter',
      'timestamp',
      'source',
      'power_w',
      'current_r_a',
      'current_t_a',
      'energy_normal_kwh',
      'energy_reverse_kwh',
      'fixed_normal_at',
      'fixed_normal_kwh',
      'fixed_reverse_at',
      'fixed_reverse_kwh',
    ]);

    const page1 = await get(server, '/api/readings?from=2024-05-01T00:00:00%2B09:00&limit=2');
    assert.deepEqual(
      page1.body.items.map((r: Reading) => r.power_w),
      [2, 3],
    );
    assert.equal(
      page1.body.next,
      '/api/readings?from=2024-05-01T03%3A00%3A30.000Z&after=3&to=2024-05-01T03%3A10%3A00.000Z&limit=2',
    );
    const unencoded = await get(server, '/api/readings?from=2024-05-01T12:00:30+09:00&limit=2');
    assert.deepEqual(
      unencoded.body.items.map((r: Reading) => r.power_w),
      [3, 4],
      'an unencoded + in the offset is taken as meant',
    );
    const page2 = await get(server, page1.body.next);
    assert.deepEqual(
      page2.body.items.map((r: Reading) => r.power_w),
      [4],
    );
    assert.equal(page2.body.next, null);
  },
);

test(
  '/api/readings pages through readings of one millisecond without losing one at the page edge',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { store, server } = await rig(t);
    // A poll reading and a notification of the same millisecond, then one more.
    store.insertReading(METER, reading('2024-05-01T12:00:00.000+09:00', 1));
    store.insertReading(METER, { ...reading('2024-05-01T12:00:00.000+09:00', 2), source: 'notification' });
    store.insertReading(METER, reading('2024-05-01T12:00:00.000+09:00', 3));
    store.insertReading(METER, reading('2024-05-01T12:00:10.000+09:00', 4));
    const seen: number[] = [];
    let path: string | null = '/api/readings?from=2024-05-01T00:00:00%2B09:00&limit=2';
    for (let pages = 0; path !== null; pages++) {
      assert.ok(pages < 5, 'the pages end');
      const page = await get(server, path);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      seen.push(...page.body.items.map((r: Reading) => r.power_w));
      path = page.body.next;
    }
    assert.deepEqual(seen, [1, 2, 3, 4]);
    const bad = await get(server, '/api/readings?after=x1&from=2024-05-01T00:00:00Z');
    assert.deepEqual(bad, { status: 400, body: { error: 'after="x1" must be a row number from a next link' } });
    const alone = await get(server, '/api/readings?after=1');
    assert.deepEqual(alone, {
      status: 400,
      body: { error: 'after needs the from it came with (follow the next link)' },
    });
  },
);

test(
  '/api/half-hours and /api/daily answer the stored slots value by value, a half hour counted where it begins',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { store, server } = await rig(t);
    store.upsertHalfHours(METER, [
      slot('2024-05-01T00:00:00+09:00', 99.9, 0.1), // April 30, 23:30–24:00
      slot('2024-05-01T00:30:00+09:00', 100.1, 0.2), // May 1, 00:00–00:30: its first half hour
      slot('2024-05-01T11:00:00+09:00', 100.5, 0.4), // 10:30–11:00
      slot('2024-05-01T11:30:00+09:00', 101, 0.5), // 11:00–11:30
      slot('2024-05-01T12:00:00+09:00', 101.6, 0.6), // 11:30–12:00
      slot('2024-05-02T00:00:00+09:00', 102.3, 0.7), // May 1, 23:30–24:00: its last half hour
      slot('2024-05-02T00:30:00+09:00', 103.1, 0.8), // May 2, 00:00–00:30
    ]);
    // 11:00–12:00 holds the half hours 11:00–11:30 and 11:30–12:00: marks 11:30 and 12:00, not 11:00.
    const halves = await get(server, '/api/half-hours?from=2024-05-01T11:00:00%2B09:00&to=2024-05-01T12:00:00%2B09:00');
    assert.deepEqual(halves.body, {
      items: [
        {
          meter: METER,
          slot_start: '2024-05-01T11:30:00+09:00',
          energy_normal_kwh: 101,
          energy_reverse_kwh: 0,
          consumed_kwh: 0.5,
          exported_kwh: 0,
        },
        {
          meter: METER,
          slot_start: '2024-05-01T12:00:00+09:00',
          energy_normal_kwh: 101.6,
          energy_reverse_kwh: 0,
          consumed_kwh: 0.6,
          exported_kwh: 0,
        },
      ],
      next: null,
    });

    // May 1 (the README's example with a bare date): marks 00:30 … May 2 00:00, the half hours /api/daily sums.
    const day = await get(server, '/api/half-hours?from=2024-05-01&to=2024-05-02');
    assert.deepEqual(
      day.body.items.map((h: { slot_start: string; consumed_kwh: number }) => [h.slot_start, h.consumed_kwh]),
      [
        ['2024-05-01T00:30:00+09:00', 0.2],
        ['2024-05-01T11:00:00+09:00', 0.4],
        ['2024-05-01T11:30:00+09:00', 0.5],
        ['2024-05-01T12:00:00+09:00', 0.6],
        ['2024-05-02T00:00:00+09:00', 0.7],
      ],
    );
    const daily = await get(server, '/api/daily?from=2024-05-01&to=2024-05-02');
    const may1 = daily.body.items[0];
    assert.deepEqual(daily.body, { items: [{ date: '2024-05-01', consumed_kwh: 2.4, exported_kwh: 0, slots: 5 }] });
    const summed = day.body.items.reduce((sum: number, h: { consumed_kwh: number }) => sum + h.consumed_kwh, 0);
    assert.equal(Math.round(summed * 1e6) / 1e6, may1.consumed_kwh, "the day's half hours sum to its daily");
    assert.equal(day.body.items.length, may1.slots);
  },
);

test(
  '/api/half-hours pages one row at a time with next until null, each half hour once and in order',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { store, server } = await rig(t);
    // Row numbers out of time order (11:30 and 12:00 stored first), so a next link that came back at the
    // wrong half hour would skip or repeat a row: rowids 11:30 = 1, 12:00 = 2, 10:30 = 3, 11:00 = 4, 12:30 = 5.
    store.upsertHalfHours(METER, [
      slot('2024-05-01T11:30:00+09:00', 101, 0.5),
      slot('2024-05-01T12:00:00+09:00', 101.6, 0.6),
    ]);
    store.upsertHalfHours(METER, [
      slot('2024-05-01T10:30:00+09:00', 100, 0.3), // 10:00–10:30: before the range
      slot('2024-05-01T11:00:00+09:00', 100.5, 0.4),
      slot('2024-05-01T12:30:00+09:00', 102.3, 0.7), // 12:00–12:30: after it
    ]);
    const first = await get(
      server,
      '/api/half-hours?from=2024-05-01T10:30:00%2B09:00&to=2024-05-01T12:00:00%2B09:00&limit=1',
    );
    assert.deepEqual(
      first.body.items.map((h: { slot_start: string }) => h.slot_start),
      ['2024-05-01T11:00:00+09:00'],
    );
    // from = where that half hour began (10:30 JST), in the caller's frame; after = its row number.
    assert.equal(
      first.body.next,
      '/api/half-hours?from=2024-05-01T01%3A30%3A00.000Z&after=4&to=2024-05-01T03%3A00%3A00.000Z&limit=1',
    );
    const seen: string[] = [];
    let path: string | null = first.body.next;
    seen.push(...first.body.items.map((h: { slot_start: string }) => h.slot_start));
    for (let pages = 0; path !== null; pages++) {
      assert.ok(pages < 6, 'the pages end');
      const page = await get(server, path);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.body.items.length <= 1);
      seen.push(...page.body.items.map((h: { slot_start: string }) => h.slot_start));
      path = page.body.next;
    }
    assert.deepEqual(seen, ['2024-05-01T11:00:00+09:00', '2024-05-01T11:30:00+09:00', '2024-05-01T12:00:00+09:00']);
  },
);

test(
  'bad parameters are 400 with a message; unknown paths 404; other methods 405',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { server } = await rig(t);
    const cases: [string, RegExp][] = [
      ['/api/readings?from=yesterday', /from="yesterday" is neither a date/],
      [
        '/api/readings?from=2024-05-01T12:00:00',
        /^from="2024-05-01T12:00:00" is neither a date \(2024-05-01, Japan time\) nor an ISO 8601 time with an offset/,
      ],
      ['/api/readings?limit=0', /limit="0" must be a whole number from 1 to 10000/],
      ['/api/half-hours?limit=10001', /limit="10001"/],
      ['/api/half-hours?from=2024-05-02&to=2024-05-01', /from must be earlier than to/],
      ['/api/readings?form=2024-05-01', /unknown parameter "form"/],
      ['/api/daily?from=2023-01-01&to=2024-05-01', /spans more than 400 days/],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await get(server, path);
      assert.equal(status, 400, path);
      assert.match(body.error, message, path);
    }
    assert.equal((await get(server, '/api/nothing')).status, 404);
    const post = await fetch(`http://127.0.0.1:${server.address.port}/api/latest`, { method: 'POST' });
    assert.equal(post.status, 405);
  },
);

test(
  '/healthz is 200 with the age of the last reading and the session state, 503 after three intervals without one',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { server, health, advance } = await rig(t);
    health.watch({ sessionState: { phase: 'up', txLimited: false, failures: 0, rung: 0, climbs: 0, degraded: false } });
    health.reading(NOW - 12_300);
    assert.deepEqual(await get(server, '/healthz'), {
      status: 200,
      body: { status: 'ok', last_reading_age_s: 12.3, session: 'up' },
    });
    advance(90_000 - 12_300 + 1); // 90.001 s since the reading: three 30 s intervals
    assert.deepEqual(await get(server, '/healthz'), {
      status: 503,
      body: { status: 'unhealthy', last_reading_age_s: 90, session: 'up' },
    });
  },
);

test(
  '/api/events sends the status on connect, each reading, and keep-alive comments',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const { server, events, fire } = await rig(t);
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.address.port, path: '/api/events' }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let got = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          got += chunk;
          if (got.includes('event: status') && !got.includes('event: reading')) {
            events.publish({ type: 'reading', data: { meter: METER, power_w: 321 } });
            fire();
          }
          if (got.includes(': keep-alive')) {
            req.destroy();
            resolve(got);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(
      text,
      ': bmeter events\nretry: 1000\n\nevent: status\ndata: {"state":"joining","last_reading_age_s":null}\n\n' +
        `event: reading\ndata: {"meter":"${METER}","power_w":321}\n\n: keep-alive\n\n`,
    );
  },
);

test('--listen accepts host:port, [v6]:port and a bare port, and refuses anything else', () => {
  assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseListen('[::1]:9000'), { host: '::1', port: 9000 });
  assert.deepEqual(parseListen('8081'), { host: '127.0.0.1', port: 8081 });
  assert.throws(() => parseListen('localhost'), /--listen "localhost" is not host:port/);
  assert.throws(() => parseListen('127.0.0.1:70000'), /not host:port/);
});
