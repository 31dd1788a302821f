/**
 * The Prometheus metrics of one meter (src/output/metrics/): rendered text checked against the
 * exposition format's rules by an independent strict reader, values checked one by one against
 * numbers worked out by hand, /metrics served over a real node:http listener, and the textfile
 * written atomically.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Reading } from '../../src/meter/reading.js';
import { escapeLabelValue, formatValue, renderExposition } from '../../src/output/metrics/exposition.js';
import { MeterMetrics } from '../../src/output/metrics/meter-metrics.js';
import { createMetricsFileSink, writeAtomically } from '../../src/output/metrics/metrics-file.js';
import { metricsRoute } from '../../src/output/metrics/metrics-route.js';
import { parseExposition, valueOf } from '../fixtures/prometheus-text.js';
import { repoPath } from '../fixtures/repo-root.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const METER = '001c640003de5a1b';

const READING: Reading = {
  timestamp: '2026-12-01T05:04:05.601+09:00',
  power_w: 236,
  current_r_a: 1.3,
  current_t_a: 1.1,
  energy_normal_kwh: 12345.6,
  energy_reverse_kwh: 0.5,
  fixed_normal_at: '2026-12-01T05:00:00+09:00',
  fixed_normal_kwh: 12345.5,
  fixed_reverse_at: '2026-12-01T05:00:00+09:00',
  fixed_reverse_kwh: 0.4,
  source: 'poll',
};
/** 2026-11-30T20:04:05.601Z, the reading's host time. */
const READ_AT_MS = 1796069045601;

test('a reading becomes gauges and joule counters with the meter, phase and direction labels', () => {
  const metrics = new MeterMetrics({ meter: METER, version: '0.1.0' });
  metrics.observe(READING);
  const f = parseExposition(metrics.render(READ_AT_MS + 12_500));
  const m = { meter: METER };
  assert.equal(valueOf(f, 'bmeter_power_watts', m), 236);
  assert.equal(valueOf(f, 'bmeter_current_amperes', { ...m, phase: 'r' }), 1.3);
  assert.equal(valueOf(f, 'bmeter_current_amperes', { ...m, phase: 't' }), 1.1);
  // 12345.6 kWh × 3 600 000 J/kWh = 44 444 160 000 J; 0.5 kWh = 1 800 000 J
  assert.equal(valueOf(f, 'bmeter_energy_joules_total', { ...m, direction: 'bought' }), 44444160000);
  assert.equal(valueOf(f, 'bmeter_energy_joules_total', { ...m, direction: 'sold' }), 1800000);
  assert.equal(valueOf(f, 'bmeter_fixed_energy_joules_total', { ...m, direction: 'bought' }), 44443800000);
  assert.equal(valueOf(f, 'bmeter_fixed_energy_joules_total', { ...m, direction: 'sold' }), 1440000);
  // 2026-12-01T05:00:00+09:00 = 2026-11-30T20:00:00Z
  assert.equal(valueOf(f, 'bmeter_fixed_energy_timestamp_seconds', { ...m, direction: 'bought' }), 1796068800);
  assert.equal(valueOf(f, 'bmeter_last_reading_timestamp_seconds', m), 1796069045.601);
  assert.equal(valueOf(f, 'bmeter_last_reading_age_seconds', m), 12.5);
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'poll' }), 1);
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'notification' }), 0);
  assert.equal(valueOf(f, 'bmeter_reading_failures_total', m), 0);
  assert.equal(valueOf(f, 'bmeter_build_info', { ...m, version: '0.1.0' }), 1);
  assert.equal(f.get('bmeter_power_watts')?.type, 'gauge');
  assert.equal(f.get('bmeter_energy_joules_total')?.type, 'counter');
  assert.equal(f.get('bmeter_session_state'), undefined, 'no session state until one is set');
});

test('failures, notifications, recoveries by step and the session state are counted', () => {
  const metrics = new MeterMetrics({ meter: METER });
  metrics.observe(READING);
  metrics.observe({ ...READING, source: 'notification', timestamp: '2026-12-01T05:05:00.000+09:00' });
  metrics.countFailure();
  metrics.countFailure();
  metrics.countRecovery('rejoin');
  metrics.countRecovery('rejoin');
  metrics.countRecovery('full-scan');
  metrics.setSessionState('recovering');
  const f = parseExposition(metrics.render(READ_AT_MS + 60_000));
  const m = { meter: METER };
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'poll' }), 1);
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'notification' }), 1);
  assert.equal(valueOf(f, 'bmeter_reading_failures_total', m), 2);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'rejoin' }), 2);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'scan-channel' }), 0);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'full-scan' }), 1);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'reopen' }), 0);
  assert.equal(valueOf(f, 'bmeter_session_state', { ...m, state: 'recovering' }), 1);
  assert.equal(valueOf(f, 'bmeter_session_state', { ...m, state: 'up' }), 0);
  // the notification at 05:05:00+09:00 is the last record: 60.000 − 54.399 s after it
  assert.equal(valueOf(f, 'bmeter_last_reading_age_seconds', m), 5.601);
});

test('a value the meter did not give is left out, never exported as 0', () => {
  const metrics = new MeterMetrics({ meter: METER });
  metrics.observe({
    ...READING,
    current_t_a: null,
    energy_reverse_kwh: null,
    fixed_reverse_at: null,
    fixed_reverse_kwh: null,
  });
  const f = parseExposition(metrics.render(READ_AT_MS));
  assert.deepEqual(
    f.get('bmeter_current_amperes')?.samples.map((s) => s.labels['phase']),
    ['r'],
  );
  assert.deepEqual(
    f.get('bmeter_energy_joules_total')?.samples.map((s) => s.labels['direction']),
    ['bought'],
  );
  const fixedAt = f.get('bmeter_fixed_energy_timestamp_seconds');
  assert.deepEqual(
    fixedAt?.samples.map((s) => s.labels['direction']),
    ['bought'],
  );
});

test('before any reading only the counters are exported', () => {
  const f = parseExposition(new MeterMetrics({ meter: METER }).render(READ_AT_MS));
  const counters = ['bmeter_readings_total', 'bmeter_reading_failures_total', 'bmeter_session_recoveries_total'];
  assert.deepEqual([...f.keys()], counters);
});

test('label values and HELP text are escaped as the format requires, special floats spelled its way', () => {
  const text = renderExposition([
    {
      name: 'x_total',
      type: 'counter',
      help: 'back\\slash\nnewline',
      samples: [{ labels: { l: 'a"b\\c\nd' }, value: 1 }],
    },
  ]);
  assert.equal(text, '# HELP x_total back\\\\slash\\nnewline\n# TYPE x_total counter\nx_total{l="a\\"b\\\\c\\nd"} 1\n');
  assert.equal(parseExposition(text).get('x_total')?.samples[0]?.labels['l'], 'a"b\\c\nd');
  assert.equal(escapeLabelValue('plain'), 'plain');
  const values = [Infinity, -Infinity, NaN, 1e21, -0.25].map(formatValue);
  assert.deepEqual(values, ['+Inf', '-Inf', 'NaN', '1e+21', '-0.25']);
  const badCounter = { name: 'requests', type: 'counter', help: '', samples: [{ value: 1 }] } as const;
  assert.throws(() => renderExposition([badCounter]), /_total/);
});

test('GET /metrics on a real listener answers 200 with the exposition content type', async (t) => {
  const metrics = new MeterMetrics({ meter: METER, clock: { now: () => READ_AT_MS + 3000 } });
  metrics.observe(READING);
  const route = metricsRoute(metrics);
  assert.equal(route.method, 'GET');
  assert.equal(route.path, '/metrics');
  const server = createServer((req, res) => void route.handle(req, res, new URL(req.url ?? '/', 'http://x')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const f = parseExposition(await res.text());
  assert.equal(valueOf(f, 'bmeter_last_reading_age_seconds', { meter: METER }), 3);
  assert.equal(valueOf(f, 'bmeter_power_watts', { meter: METER }), 236);
});

test('the textfile is replaced whole by rename, and a new reading shows in it', async (t) => {
  const dir = tempDirFor(t, 'bmeter-metrics-');
  const path = dir.file('bmeter.prom');
  writeFileSync(path, '# HELP bmeter_power_watts an earlier run\nbmeter_power_watts 1\n');
  const metrics = new MeterMetrics({ meter: METER });
  const sink = createMetricsFileSink(path, metrics, () => READ_AT_MS);
  await sink.write(READING);
  let f = parseExposition(readFileSync(path, 'utf8'));
  assert.equal(valueOf(f, 'bmeter_power_watts', { meter: METER }), 236);
  await sink.write({ ...READING, power_w: -512 });
  metrics.countFailure();
  await sink.flush();
  f = parseExposition(readFileSync(path, 'utf8'));
  assert.equal(valueOf(f, 'bmeter_power_watts', { meter: METER }), -512);
  assert.equal(valueOf(f, 'bmeter_readings_total', { meter: METER, source: 'poll' }), 2);
  assert.equal(valueOf(f, 'bmeter_reading_failures_total', { meter: METER }), 1);
  assert.deepEqual(readdirSync(dir.path), ['bmeter.prom'], 'no temporary file left behind');
  await assert.rejects(writeAtomically(dir.file('missing/x.prom'), 'x\n'), /cannot write the metrics file/);
});

test('the Grafana dashboard queries only metrics bmeter exports, with their label names', () => {
  const file = repoPath('contrib', 'grafana-dashboard.json');
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  const metrics = new MeterMetrics({ meter: METER, version: '0.1.0' });
  metrics.observe(READING);
  metrics.setSessionState('up');
  const exported = parseExposition(metrics.render(READ_AT_MS));
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((target) => target.expr));
  assert.ok(exprs.length >= 8);
  for (const expr of exprs) {
    for (const [name] of expr.matchAll(/bmeter_[a-z_]+/g)) {
      assert.ok(exported.has(name), `${name} in "${expr}" is not exported`);
    }
    for (const [, label] of expr.matchAll(/[{,]\s*([a-z_]+)\s*=~?"/g)) {
      const known = ['meter', 'direction', 'phase', 'source', 'step', 'state'];
      assert.ok(known.includes(label ?? ''), `label ${label} in "${expr}"`);
    }
  }
});
