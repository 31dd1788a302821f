/**
 * `bmeter poll --mqtt` with the broker stopped and started during an interval run, end to end: no
 * reading is lost from the JSON output or the Prometheus textfile, and MQTT catches up once the
 * broker is back. The built CLI against the built-in simulator (sim://), a real mosquitto started by
 * the test, and an independent MQTT.js subscriber. Other broker faults: poll-mqtt-broker-faults.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { parseExposition, valueOf } from '../fixtures/prometheus-text.js';
import { startBroker } from './helpers/mosquitto.js';
import { watch } from './helpers/mqtt-watcher.js';
import { describeRun, spawnBmeter } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { jsonLines } from './helpers/json-lines.js';
import { waitFor } from './helpers/wait.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const MAC = '001C640003DD6393';
const METER = '001c640003dd6393';
const STATE = `bmeter/${METER}/state`;
const AVAILABILITY = `bmeter/${METER}/availability`;

const RESTART =
  'the broker stopped and started mid-run: no reading lost from the JSON output or the textfile, MQTT catches up';
test(RESTART, { timeout: 120_000 }, async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  // A frozen meter clock: a half-hourly INF (at :00/:30 of a live one) would be a record without power.
  const common = await scanned(dir, `sim://?meterMac=${MAC}&clock=2024-05-01T12:10:00%2B09:00`);
  const out = dir.file('readings.jsonl');
  const prom = dir.file('bmeter.prom');
  const args = ['poll', ...common, '--interval', '0.3', '--format', 'json', '--output', out, '-v'];
  const proc = spawnBmeter([...args, '--mqtt', broker.url, '--metrics-file', prom], {
    env: CREDENTIALS,
    cwd: dir.path,
    timeoutMs: 90_000,
  });
  t.after(() => proc.stop(500));
  const lines = (): number => {
    try {
      return jsonLines(readFileSync(out, 'utf8')).length;
    } catch {
      return 0;
    }
  };
  await waitFor('three readings', () => lines() >= 3, 30_000);
  await broker.stop();
  const stoppedAt = lines();
  await waitFor('readings while the broker is down', () => lines() >= stoppedAt + 3, 30_000);
  await broker.start();
  const watcher = await watch(t, broker.url, [STATE, AVAILABILITY]);
  // Reconnected (after its backoff) and publishing again: a state from a reading after the restart.
  await waitFor('the reconnection', () => /MQTT broker connected again/.test(proc.stderr()), 30_000);
  const connectedAt = lines();
  await waitFor('states again', () => lines() >= connectedAt + 2 && watcher.messages(STATE).length >= 1, 30_000);
  const result = await proc.stop(10_000);
  assert.equal(result.code, 0, describeRun(result));
  assert.match(result.stderr, /MQTT broker connection lost; readings go on, reconnecting/);
  const all = jsonLines(readFileSync(out, 'utf8'));
  assert.ok(all.length >= connectedAt + 2, `${all.length} readings`);
  for (const r of all) assert.equal(typeof r['power_w'], 'number');
  const last = all.at(-1) ?? {};
  const states = watcher.messages(STATE);
  const lastState = JSON.parse(states.at(-1)?.payload ?? '{}') as unknown;
  assert.deepEqual(lastState, { ...last, lqi: 178, rssi_dbm: -55.32 }, 'the last state is the last reading');
  assert.equal(watcher.messages(AVAILABILITY).at(-1)?.payload, 'offline', 'an interval run that ends goes offline');

  // Every reading taken (the textfile counts them) reached the JSON output, none failed.
  const f = parseExposition(readFileSync(prom, 'utf8'));
  const m = { meter: METER };
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'poll' }), all.length);
  assert.equal(valueOf(f, 'bmeter_reading_failures_total', m), 0);
  assert.equal(valueOf(f, 'bmeter_power_watts', m), last['power_w']);
  assert.equal(valueOf(f, 'bmeter_current_amperes', { ...m, phase: 'r' }), last['current_r_a']);
  const joules = Math.round((last['energy_normal_kwh'] as number) * 3_600_000);
  assert.equal(valueOf(f, 'bmeter_energy_joules_total', { ...m, direction: 'bought' }), joules);
  assert.equal(valueOf(f, 'bmeter_last_reading_timestamp_seconds', m), Date.parse(String(last['timestamp'])) / 1000);
});
