/**
 * `bmeter serve`'s `/metrics` and `/healthz` end to end: the built CLI (Node with node:sqlite) on
 * the built-in simulator with its clock frozen (every reading the same) and a fault plan that makes
 * the meter fall silent after a few readings. The exposition is parsed strictly
 * (test/fixtures/prometheus-text.ts); expected values come from the bytes the meter sent (trace
 * log) or are written here by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { parseExposition, valueOf, type ParsedFamily } from '../fixtures/prometheus-text.js';
import { expectedFrom, meterAnswers } from './helpers/meter-answer.js';
import { describeRun } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { NEEDS_SERVE_NODE, SERVE_NODE } from './helpers/serve-node.js';
import { startServe } from './helpers/serve-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const RUN = { env: CREDENTIALS, ...(SERVE_NODE !== undefined && { node: SERVE_NODE }) };
const METER = '001c640003dd6393';
// Requests 1–3 are the energy context (D3/D7/E1), the day selection (E5) and the day's half hours
// (E2); readings are requests 4–9; from the 10th on the meter does not answer.
const SIM = 'sim://?meterMac=001C640003DD6393&clock=2024-05-01T12:10:00%2B09:00&faults=drop@10%2B';
const FIXED_AT_S = 1_714_532_400; // 2024-05-01T12:00:00+09:00, the last half hour before 12:10

type Families = Map<string, ParsedFamily>;

/** The reading the frozen meter sent (all its answers alike), from its bytes. */
function sentReading(stderr: string): Record<string, number | string> {
  const answers = meterAnswers(stderr);
  const context = answers.find((a) => a.has(0xd3) && a.has(0xe1));
  const readings = answers.filter((a) => a.has(0xe7));
  assert.ok(context !== undefined && readings.length > 0, 'the meter sent its context and a reading');
  const values = readings.map((a) => expectedFrom(new Map([...context, ...a])));
  for (const v of values) assert.deepEqual(v, values[0], 'a frozen meter sends the same reading every time');
  return values[0] as Record<string, number | string>;
}

/** The reading's gauges and counters, value by value (W, A, J = kWh × 3 600 000, Unix seconds). */
function assertReading(f: Families, sent: Record<string, number | string>): void {
  const m = { meter: METER };
  assert.equal(valueOf(f, 'bmeter_power_watts', m), sent['power_w']);
  assert.equal(valueOf(f, 'bmeter_current_amperes', { ...m, phase: 'r' }), sent['current_r_a']);
  assert.equal(valueOf(f, 'bmeter_current_amperes', { ...m, phase: 't' }), sent['current_t_a']);
  const joules = (kwh: unknown): number => Math.round(Number(kwh) * 3_600_000);
  assert.equal(
    valueOf(f, 'bmeter_energy_joules_total', { ...m, direction: 'bought' }),
    joules(sent['energy_normal_kwh']),
  );
  assert.equal(
    valueOf(f, 'bmeter_energy_joules_total', { ...m, direction: 'sold' }),
    joules(sent['energy_reverse_kwh']),
  );
  const fixed = { ...m, direction: 'bought' };
  assert.equal(valueOf(f, 'bmeter_fixed_energy_joules_total', fixed), joules(sent['fixed_normal_kwh']));
  assert.equal(valueOf(f, 'bmeter_fixed_energy_timestamp_seconds', fixed), FIXED_AT_S);
  assert.equal(valueOf(f, 'bmeter_fixed_energy_timestamp_seconds', { ...m, direction: 'sold' }), FIXED_AT_S);
  assert.equal(valueOf(f, 'bmeter_build_info', { ...m, version: '0.1.0' }), 1);
}

test(
  'serve: /metrics holds the reading the meter sent value by value; /healthz turns from 200 to 503 when the meter falls silent',
  { skip: NEEDS_SERVE_NODE, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const common = await scanned(dir, SIM);
    const prom = dir.file('bmeter.prom');
    const args = [...common, '--db', dir.file('bmeter.db'), '--interval', '1', '--history-days', '1'];
    const serve = startServe(t, [...args, '--metrics-file', prom, '--log-level', 'trace'], { ...RUN, cwd: dir.path });
    const base = await serve.baseUrl();
    const metrics = async (): Promise<Families> => {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
      return parseExposition(await res.text());
    };
    const m = { meter: METER };

    // While the meter answers: 200, session up, the metrics hold its reading.
    await serve.until('a reading', () => serve.printed().length >= 1);
    const healthy = await fetch(`${base}/healthz`);
    assert.equal(healthy.status, 200);
    const body = (await healthy.json()) as Record<string, unknown>;
    assert.equal(body['status'], 'ok');
    assert.equal(body['session'], 'up');
    assert.ok(Number(body['last_reading_age_s']) < 3, 'the reading is younger than three 1 s intervals');
    const printedBefore = serve.printed().length;
    const live = await metrics();
    const printedAfter = serve.printed().length;
    assertReading(live, sentReading(serve.proc.stderr()));
    const count = valueOf(live, 'bmeter_readings_total', { ...m, source: 'poll' });
    assert.ok(count >= printedBefore - 1 && count <= printedAfter + 1, `${count} readings counted`);
    assert.equal(valueOf(live, 'bmeter_readings_total', { ...m, source: 'notification' }), 0);
    assert.equal(valueOf(live, 'bmeter_session_state', { ...m, state: 'up' }), 1);

    // The meter falls silent: 503 after three intervals (3 s: a loaded machine's slow reading stays
    // healthy) without a reading (a reading counts as failed only after 3 tries of 10 s, later than this
    // test looks).
    await serve.until('503 from /healthz', async () => (await fetch(`${base}/healthz`)).status === 503, 40_000);
    const sick = (await (await fetch(`${base}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(sick['status'], 'unhealthy');
    assert.ok(
      Number(sick['last_reading_age_s']) >= 3,
      `no reading for more than three intervals: ${JSON.stringify(sick)}`,
    );
    // Readings were requests 4 to 9; when the host clock passes a half-hour mark (+1 min) during the
    // test, a backfill (E5, E2) takes two of them first.
    const taken = serve.printed().length;
    assert.ok(taken === 6 || taken === 4, `${taken} readings before the meter fell silent`);
    const silent = await metrics();
    assertReading(silent, sentReading(serve.proc.stderr()));
    assert.equal(valueOf(silent, 'bmeter_readings_total', { ...m, source: 'poll' }), taken);
    assert.ok(valueOf(silent, 'bmeter_last_reading_age_seconds', m) >= 3);
    const lastAt = Date.parse(String(serve.printed().at(-1)?.['timestamp'])) / 1000;
    assert.equal(valueOf(silent, 'bmeter_last_reading_timestamp_seconds', m), lastAt);

    // The textfile, written at every record, holds the same reading and count.
    const file = parseExposition(readFileSync(prom, 'utf8'));
    assertReading(file, sentReading(serve.proc.stderr()));
    assert.equal(valueOf(file, 'bmeter_readings_total', { ...m, source: 'poll' }), taken);
    assert.equal(valueOf(file, 'bmeter_last_reading_timestamp_seconds', m), lastAt);
  },
);

test(
  'serve: a session the meter ends is rejoined and counted in /metrics and the textfile; after SIGTERM the textfile says stopped',
  { skip: NEEDS_SERVE_NODE, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    // The meter ends the PANA session (EVENT 26) instead of answering request 6, the third reading.
    const common = await scanned(dir, 'sim://?meterMac=001C640003DD6393&faults=event26@6');
    const prom = dir.file('bmeter.prom');
    const args = [...common, '--db', dir.file('bmeter.db'), '--interval', '0.3', '--history-days', '1'];
    const serve = startServe(t, [...args, '--metrics-file', prom, '-v'], { ...RUN, cwd: dir.path });
    const base = await serve.baseUrl();
    const m = { meter: METER };
    await serve.until('readings after the rejoin', () => /readings recovered/.test(serve.proc.stderr()));
    const after = serve.printed().length;
    await serve.until('two more readings', () => serve.printed().length >= after + 2);
    const live = parseExposition(await (await fetch(`${base}/metrics`)).text());
    assert.equal(valueOf(live, 'bmeter_session_recoveries_total', { ...m, step: 'rejoin' }), 1);
    for (const step of ['scan-channel', 'full-scan', 'reopen'])
      assert.equal(valueOf(live, 'bmeter_session_recoveries_total', { ...m, step }), 0, step);
    assert.equal(valueOf(live, 'bmeter_session_state', { ...m, state: 'up' }), 1);

    const stopped = await serve.proc.stop(15_000);
    assert.equal(stopped.code, 0, describeRun(stopped));
    const file = parseExposition(readFileSync(prom, 'utf8'));
    assert.equal(valueOf(file, 'bmeter_readings_total', { ...m, source: 'poll' }), serve.printed().length);
    assert.equal(valueOf(file, 'bmeter_session_recoveries_total', { ...m, step: 'rejoin' }), 1);
    assert.equal(valueOf(file, 'bmeter_session_state', { ...m, state: 'stopped' }), 1);
    assert.equal(valueOf(file, 'bmeter_session_state', { ...m, state: 'up' }), 0);
  },
);
