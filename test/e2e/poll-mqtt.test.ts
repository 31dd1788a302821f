/**
 * What `bmeter poll --mqtt` publishes, end to end: discovery, state and availability of one meter,
 * of a 2-wire meter and of two meters on one broker — the built CLI against the built-in simulator
 * (sim://) and a real mosquitto started by the test, read back by an independent MQTT.js
 * subscriber. Expected values come from the bytes the simulated meter sent (trace log,
 * helpers/meter-answer.ts) or are written here by hand. Broker faults: poll-mqtt-broker-faults.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { expectedFrom, meterAnswer } from './helpers/meter-answer.js';
import { startBroker } from './helpers/mosquitto.js';
import { watch } from './helpers/mqtt-watcher.js';
import { describeRun, runBmeter, spawnBmeter } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { jsonLines } from './helpers/json-lines.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const MAC = '001C640003DD6393';
const METER = '001c640003dd6393';
const STATE = `bmeter/${METER}/state`;
const AVAILABILITY = `bmeter/${METER}/availability`;
const DISCOVERY = `homeassistant/device/bmeter_${METER}/config`;

type Row = Record<string, unknown>;
const T60 = { timeout: 60_000 };
const T90 = { timeout: 90_000 };

const ONE_SHOT =
  'a one-shot poll publishes discovery, the state the meter gave and online, with credentials from the environment';
test(ONE_SHOT, T90, async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir, { bmeter: 'mqtt-Secret-9' });
  const auth = { username: 'bmeter', password: 'mqtt-Secret-9' };
  const watcher = await watch(t, broker.url, ['bmeter/#', 'homeassistant/#'], auth);
  // A frozen meter clock: a half-hourly INF (at :00/:30 of a live one) would be a record without power.
  const common = await scanned(dir, `sim://?meterMac=${MAC}&clock=2024-05-01T12:10:00%2B09:00`);
  const mqttEnv = { BMETER_MQTT_URL: broker.url, BMETER_MQTT_USERNAME: 'bmeter', BMETER_MQTT_PASSWORD: auth.password };
  const env = { ...CREDENTIALS, ...mqttEnv };
  const state = watcher.next(STATE);
  const run = await runBmeter(['poll', ...common, '--format', 'json', '--log-level', 'trace'], { env, cwd: dir.path });
  assert.equal(run.code, 0, describeRun(run));

  const expected = expectedFrom(meterAnswer(run.stderr));
  const [record] = jsonLines(run.stdout);
  const published = JSON.parse((await state).payload) as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    assert.equal(record?.[key], value, `stdout ${key}`);
    assert.equal(published[key], value, `MQTT state ${key}`);
  }
  assert.equal(published['timestamp'], record?.['timestamp']);
  assert.equal(published['source'], 'poll');
  assert.equal(published['lqi'], 178, 'the scan file LQI (0xB2)');
  assert.equal(published['rssi_dbm'], -55.32, '0.275 × 178 − 104.27');

  const discovery = watcher.messages(DISCOVERY);
  assert.equal(discovery.length, 1);
  assert.equal(discovery[0]?.retain, false, 'a live subscriber sees it as a fresh publish');
  const d = JSON.parse(discovery[0]?.payload ?? '{}') as Record<string, any>;
  assert.deepEqual(d['device']['identifiers'], ['bmeter_001c640003dd6393']);
  assert.equal(d['origin']['name'], 'bmeter');
  assert.equal(d['availability_topic'], AVAILABILITY);
  assert.equal(d['state_topic'], STATE);
  const c = d['components'] as Record<string, Record<string, unknown>>;
  type Maybe = string | undefined;
  const expectSensor = (key: string, field: string, deviceClass: Maybe, unit: Maybe, stateClass: Maybe): void => {
    const s = c[key];
    assert.ok(s !== undefined, `sensor ${key}`);
    assert.equal(s['platform'], 'sensor');
    assert.equal(s['unique_id'], `bmeter_001c640003dd6393_${key}`);
    assert.equal(s['default_entity_id'], `sensor.bmeter_001c640003dd6393_${key}`);
    assert.equal(s['value_template'], `{{ value_json.${field} | is_defined }}`);
    assert.equal(s['device_class'], deviceClass, `${key} device_class`);
    assert.equal(s['unit_of_measurement'], unit, `${key} unit`);
    assert.equal(s['state_class'], stateClass, `${key} state_class`);
    assert.equal('expire_after' in s, false, 'a one-shot run sets no expire_after');
  };
  expectSensor('power', 'power_w', 'power', 'W', 'measurement');
  expectSensor('current_r', 'current_r_a', 'current', 'A', 'measurement');
  expectSensor('current_t', 'current_t_a', 'current', 'A', 'measurement');
  expectSensor('energy_bought', 'energy_normal_kwh', 'energy', 'kWh', 'total_increasing');
  expectSensor('energy_sold', 'energy_reverse_kwh', 'energy', 'kWh', 'total_increasing');
  expectSensor('energy_bought_fixed', 'fixed_normal_kwh', 'energy', 'kWh', 'total_increasing');
  expectSensor('energy_sold_fixed', 'fixed_reverse_kwh', 'energy', 'kWh', 'total_increasing');
  expectSensor('last_reading', 'timestamp', 'timestamp', undefined, undefined);
  expectSensor('lqi', 'lqi', undefined, undefined, 'measurement');
  expectSensor('rssi', 'rssi_dbm', 'signal_strength', 'dBm', 'measurement');
  assert.equal(c['last_reading']?.['entity_category'], 'diagnostic');

  const order = watcher.messages().map((m) => `${m.topic} ${m.topic === AVAILABILITY ? m.payload : ''}`.trim());
  // online, then discovery, then the state; a one-shot run stays online
  assert.deepEqual(order, [`${AVAILABILITY} online`, DISCOVERY, STATE]);
  const everything = run.stdout + run.stderr;
  for (const secret of [auth.password, SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD]) {
    assert.ok(!everything.includes(secret), `${secret} reached the output`);
  }
});

test('a single-phase 2-wire meter (E8 T = 0x7FFE) gets no current T sensor and no current_t_a', T60, async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const watcher = await watch(t, broker.url, [STATE, DISCOVERY]);
  // A frozen meter clock: a half-hourly INF (at :00/:30 of a live one) would be a record without power.
  const common = await scanned(dir, `sim://?meterMac=${MAC}&wiring=1p2w&clock=2024-05-01T12:10:00%2B09:00`);
  const state = watcher.next(STATE);
  const args = ['poll', ...common, '--mqtt', broker.url, '--log-level', 'trace'];
  const run = await runBmeter(args, { env: CREDENTIALS, cwd: dir.path });
  assert.equal(run.code, 0, describeRun(run));
  const e8 = meterAnswer(run.stderr).get(0xe8);
  assert.equal(e8?.readUInt16BE(2), 0x7ffe, 'the meter sent T as 0x7FFE (no data)');
  const published = JSON.parse((await state).payload) as Record<string, unknown>;
  assert.equal(published['current_r_a'], (e8?.readInt16BE(0) ?? NaN) / 10);
  assert.equal('current_t_a' in published, false);
  const discovery = JSON.parse(watcher.messages(DISCOVERY)[0]?.payload ?? '{}') as { components: object };
  const components = Object.keys(discovery.components);
  assert.ok(components.includes('current_r') && !components.includes('current_t'), components.join(','));
});

test('interval run: HA birth brings discovery again, SIGKILL leaves the retained offline will', T90, async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const watcher = await watch(t, broker.url, ['bmeter/#', 'homeassistant/#']);
  const common = await scanned(dir, `sim://?meterMac=${MAC}`);
  const args = ['poll', ...common, '--interval', '0.5', '--format', 'json', '--mqtt', broker.url];
  const proc = spawnBmeter(args, { env: CREDENTIALS, cwd: dir.path });
  t.after(() => proc.stop(500));
  await watcher.first(STATE, () => true, 30_000);
  type Discovery = { components: Record<string, Record<string, unknown>> };
  const first = JSON.parse(watcher.messages(DISCOVERY)[0]?.payload ?? '{}') as Discovery;
  assert.equal(first.components['power']?.['expire_after'], 60, 'three intervals, at least a minute');
  const again = watcher.next(DISCOVERY);
  await watcher.publish('homeassistant/status', 'online');
  assert.equal((await again).payload, watcher.messages(DISCOVERY)[0]?.payload, 'the same discovery, published again');

  const offline = watcher.next(AVAILABILITY, (m) => m.payload === 'offline', 15_000);
  process.kill(-proc.pid, 'SIGKILL');
  const result = await proc.exited;
  assert.equal(result.signal, 'SIGKILL');
  assert.equal((await offline).payload, 'offline');
  const late = await watch(t, broker.url, [AVAILABILITY]);
  const will = await late.first(AVAILABILITY);
  assert.deepEqual(will, { topic: AVAILABILITY, payload: 'offline', retain: true }, 'the will is retained');
});

test('two meters on one broker keep apart: own topics, own device, own values', { timeout: 90_000 }, async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const watcher = await watch(t, broker.url, ['bmeter/#', 'homeassistant/#']);
  const macs = ['001C640003DD6393', '001C6400041A2B3C'];
  const runs = await Promise.all(
    macs.map(async (mac, i) => {
      const sim = `sim://?meterMac=${mac}&initialKwh=${i === 0 ? 1000 : 5000}&seed=${i + 7}`;
      const common = await scanned(dir, sim, `scan-${i}.json`);
      const args = ['poll', ...common, '--interval', '0.3', '--count', '3', '--format', 'json', '--mqtt', broker.url];
      return runBmeter(args, { env: CREDENTIALS, cwd: dir.path });
    }),
  );
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 0, describeRun(run));
    const meter = (macs[i] ?? '').toLowerCase();
    const mine = jsonLines(run.stdout);
    const states = watcher.messages(`bmeter/${meter}/state`).map((m) => JSON.parse(m.payload) as Row);
    const times = mine.map((r) => r['timestamp']);
    assert.deepEqual(
      states.map((s) => s['timestamp']),
      times,
      `meter ${meter}: exactly its own readings`,
    );
    assert.deepEqual(
      states.map((s) => s['energy_normal_kwh']),
      mine.map((r) => r['energy_normal_kwh']),
    );
    const config = watcher.messages(`homeassistant/device/bmeter_${meter}/config`)[0]?.payload ?? '{}';
    const d = JSON.parse(config) as Record<string, any>;
    assert.deepEqual(d['device']['identifiers'], [`bmeter_${meter}`]);
    assert.equal(d['state_topic'], `bmeter/${meter}/state`);
    assert.equal(d['components']['power']['unique_id'], `bmeter_${meter}_power`);
  }
  const firstKwh = (i: number): number => Number(jsonLines(runs[i]?.stdout ?? '')[0]?.['energy_normal_kwh']);
  assert.ok(Math.abs(firstKwh(0) - 1000) < 1, 'meter 1 counts from 1000 kWh');
  assert.ok(Math.abs(firstKwh(1) - 5000) < 1, 'meter 2 counts from 5000 kWh');
});
