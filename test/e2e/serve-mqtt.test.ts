/**
 * `bmeter serve --mqtt` end to end: the built CLI (Node with node:sqlite) on the built-in simulator
 * (sim://), a real mosquitto started by the test, an independent MQTT.js subscriber and the real
 * SQLite file. Expected values come from the bytes the simulated meter sent (trace log,
 * helpers/meter-answer.ts) or are written here by hand. The broker stopped and started during a
 * run: serve-mqtt-broker-restart.test.ts.
 */
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { expectedFrom, meterAnswers } from './helpers/meter-answer.js';
import { startBroker } from './helpers/mosquitto.js';
import { watch, type Message } from './helpers/mqtt-watcher.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { NEEDS_SERVE_NODE, SERVE_NODE } from './helpers/serve-node.js';
import { startServe, waitFor } from './helpers/serve-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const RUN = { env: CREDENTIALS, ...(SERVE_NODE !== undefined && { node: SERVE_NODE }) };
const MAC = '001C640003DD6393';
const METER = '001c640003dd6393';
const STATE = `bmeter/${METER}/state`;
const AVAILABILITY = `bmeter/${METER}/availability`;
const DISCOVERY = `homeassistant/device/bmeter_${METER}/config`;
type Row = Record<string, unknown>;
/** The parts of the Home Assistant device discovery payload the tests read. */
interface Discovery {
  device: { identifiers: string[]; name: string };
  origin: Row;
  availability_topic: string;
  payload_available: string;
  payload_not_available: string;
  state_topic: string;
  components: Record<string, Row>;
}

/**
 * The record each reading's Get_Res implies, in order: serve reads D3/D7/E1 once per session (the
 * energy context) and then E7, E8, E0, E3, EA, EB every interval, so the context is added to each.
 */
function expectedReadings(stderr: string): Row[] {
  const answers = meterAnswers(stderr);
  const context = answers.find((a) => a.has(0xd3) && a.has(0xe1));
  assert.ok(context !== undefined, 'the meter answered D3 and E1');
  return answers.filter((a) => a.has(0xe7)).map((a) => expectedFrom(new Map([...context, ...a])));
}

const payloads = (messages: Message[]): Row[] => messages.map((m) => JSON.parse(m.payload) as Row);

test(
  'serve --mqtt: retained discovery field by field, states equal to what the meter sent, a second serve for the meter leaves it online, discovery again on HA birth, offline after SIGKILL',
  { skip: NEEDS_SERVE_NODE, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const broker = await startBroker(t, dir);
    const live = await watch(t, broker.url, [STATE]);
    // A frozen meter clock: a half-hourly INF (at :00/:30 of a live one) would be a record without power.
    const common = await scanned(dir, `sim://?meterMac=${MAC}&clock=2024-05-01T12:10:00%2B09:00`);
    const serve = startServe(
      t,
      [...common, '--db', dir.file('bmeter.db'), '--interval', '0.4', '--mqtt', broker.url, '--log-level', 'trace'],
      { ...RUN, cwd: dir.path },
    );
    await serve.until('three states', () => live.messages(STATE).length >= 3);

    // A subscriber arriving later gets the discovery and `online`, both retained.
    const late = await watch(t, broker.url, [DISCOVERY, AVAILABILITY]);
    const discovery = await late.first(DISCOVERY);
    assert.equal(discovery.retain, true, 'discovery is retained');
    assert.deepEqual(await late.first(AVAILABILITY), { topic: AVAILABILITY, payload: 'online', retain: true });
    const d = JSON.parse(discovery.payload) as Discovery;
    assert.deepEqual(d['device']['identifiers'], [`bmeter_${METER}`]);
    assert.equal(d['device']['name'], 'Smart meter dd6393');
    assert.deepEqual(d['origin'], { name: 'bmeter', sw_version: '0.1.0' });
    assert.equal(d['availability_topic'], AVAILABILITY);
    assert.equal(d['payload_available'], 'online');
    assert.equal(d['payload_not_available'], 'offline');
    assert.equal(d['state_topic'], STATE);
    const c = d.components;
    assert.deepEqual(Object.keys(c).sort(), [
      'current_r',
      'current_t',
      'energy_bought',
      'energy_bought_fixed',
      'energy_sold',
      'energy_sold_fixed',
      'last_reading',
      'lqi',
      'power',
      'rssi',
    ]);
    const sensor = (key: string, field: string, deviceClass?: string, unit?: string, stateClass?: string) => {
      const s = c[key] ?? {};
      assert.equal(s['platform'], 'sensor', key);
      assert.equal(s['unique_id'], `bmeter_${METER}_${key}`);
      assert.equal(s['default_entity_id'], `sensor.bmeter_${METER}_${key}`);
      assert.equal(s['value_template'], `{{ value_json.${field} | is_defined }}`);
      assert.equal(s['device_class'], deviceClass, `${key} device_class`);
      assert.equal(s['unit_of_measurement'], unit, `${key} unit`);
      assert.equal(s['state_class'], stateClass, `${key} state_class`);
      return s;
    };
    // Live values expire after three 0.4 s intervals, but at least a minute.
    assert.equal(sensor('power', 'power_w', 'power', 'W', 'measurement')['expire_after'], 60);
    assert.equal(sensor('current_r', 'current_r_a', 'current', 'A', 'measurement')['expire_after'], 60);
    assert.equal(sensor('current_t', 'current_t_a', 'current', 'A', 'measurement')['expire_after'], 60);
    for (const [key, field] of [
      ['energy_bought', 'energy_normal_kwh'],
      ['energy_sold', 'energy_reverse_kwh'],
      ['energy_bought_fixed', 'fixed_normal_kwh'],
      ['energy_sold_fixed', 'fixed_reverse_kwh'],
    ] as const) {
      assert.equal('expire_after' in sensor(key, field, 'energy', 'kWh', 'total_increasing'), false, key);
    }
    assert.equal(sensor('last_reading', 'timestamp', 'timestamp')['entity_category'], 'diagnostic');
    assert.equal(sensor('lqi', 'lqi', undefined, undefined, 'measurement')['entity_category'], 'diagnostic');
    sensor('rssi', 'rssi_dbm', 'signal_strength', 'dBm', 'measurement');

    // Every state so far: the values the meter sent, the printed record's timestamp, the scan's link.
    const states = payloads(live.messages(STATE));
    const expected = expectedReadings(serve.proc.stderr());
    const printed = serve.printed();
    assert.ok(expected.length >= states.length && printed.length >= states.length);
    states.forEach((s, i) => {
      for (const [key, value] of Object.entries(expected[i] ?? {})) assert.equal(s[key], value, `state ${i} ${key}`);
      assert.equal(s['timestamp'], printed[i]?.['timestamp'], `state ${i} is printed record ${i}`);
      assert.equal(s['source'], 'poll');
      assert.equal(s['lqi'], 178, 'the scan file LQI (0xB2)');
      assert.equal(s['rssi_dbm'], -55.32, '0.275 × 178 − 104.27');
    });

    // A second serve for the same meter stops at the store's lock, a third at the listener's port (before it
    // creates its store), leaving the running one's availability alone (they never connect to the broker).
    const second = await runBmeter(
      ['serve', ...common, '--db', dir.file('bmeter.db'), '--mqtt', broker.url, '--listen', '127.0.0.1:0'],
      {
        ...RUN,
        cwd: dir.path,
        timeoutMs: 30_000,
      },
    );
    assert.equal(second.code, 2, describeRun(second));
    assert.match(second.stderr, /is in use by PID \d+/);
    const port = new URL(await serve.baseUrl()).port;
    const third = await runBmeter(
      ['serve', ...common, '--db', dir.file('other.db'), '--mqtt', broker.url, '--listen', `127.0.0.1:${port}`],
      { ...RUN, cwd: dir.path, timeoutMs: 30_000 },
    );
    assert.equal(third.code, 2, describeRun(third));
    assert.match(third.stderr, /cannot listen on 127\.0\.0\.1:\d+: the address is in use/);
    assert.equal(existsSync(dir.file('other.db')), false, 'the third made no store');
    const meanwhile = await watch(t, broker.url, [AVAILABILITY]);
    assert.deepEqual(await meanwhile.first(AVAILABILITY), { topic: AVAILABILITY, payload: 'online', retain: true });
    assert.deepEqual(
      late.messages(AVAILABILITY).map((m) => m.payload),
      ['online'],
      'no offline from the serve that could not start',
    );

    // Home Assistant restarting (its birth message) gets the same discovery again.
    const again = late.next(DISCOVERY, (m) => !m.retain);
    await late.publish('homeassistant/status', 'online');
    assert.equal((await again).payload, discovery.payload);

    const offline = late.next(AVAILABILITY, (m) => m.payload === 'offline', 15_000);
    process.kill(serve.proc.pid, 'SIGKILL');
    assert.equal((await serve.proc.exited).signal, 'SIGKILL');
    await offline;
    const after = await watch(t, broker.url, [AVAILABILITY]);
    assert.deepEqual(await after.first(AVAILABILITY), { topic: AVAILABILITY, payload: 'offline', retain: true });
    const secrets = [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID.slice(-8)];
    for (const m of [...live.messages(), ...late.messages()])
      for (const secret of secrets) assert.ok(!`${m.topic} ${m.payload}`.includes(secret), `MQTT holds ${secret}`);
  },
);

test(
  'two serve processes for two meters on one broker keep apart: own topics, own unique_ids, own values',
  { skip: NEEDS_SERVE_NODE, timeout: 120_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const broker = await startBroker(t, dir);
    const watcher = await watch(t, broker.url, ['bmeter/#', 'homeassistant/#']);
    const macs = ['001C640003DD6393', '001C6400041A2B3C'];
    const serves = await Promise.all(
      macs.map(async (mac, i) => {
        const sim = `sim://?meterMac=${mac}&initialKwh=${i === 0 ? 1000 : 5000}&seed=${i + 7}`;
        const common = await scanned(dir, sim, `scan-${i}.json`);
        const args = [...common, '--db', dir.file(`meter-${i}.db`), '--interval', '0.3', '--mqtt', broker.url];
        return startServe(t, args, { ...RUN, cwd: dir.path });
      }),
    );
    for (const serve of serves) await serve.until('three readings', () => serve.printed().length >= 3);
    for (const serve of serves) assert.equal((await serve.proc.stop(10_000)).code, 0);
    // `offline` is each one's last message: once it is here, its states are all here too.
    for (const mac of macs) {
      const topic = `bmeter/${mac.toLowerCase()}/availability`;
      await waitFor(`offline on ${topic}`, () => watcher.messages(topic).at(-1)?.payload === 'offline', 10_000);
    }

    const units = new Set<string>();
    for (const [i, serve] of serves.entries()) {
      const meter = (macs[i] ?? '').toLowerCase();
      const mine = serve.printed();
      assert.ok(mine.every((r) => r['meter'] === meter));
      const states = payloads(watcher.messages(`bmeter/${meter}/state`));
      assert.deepEqual(
        states.map((s) => [s['timestamp'], s['energy_normal_kwh']]),
        mine.map((r) => [r['timestamp'], r['energy_normal_kwh']]),
        `meter ${meter}: exactly its own readings`,
      );
      const configs = watcher.messages(`homeassistant/device/bmeter_${meter}/config`);
      const d = JSON.parse(configs[0]?.payload ?? '{}') as Discovery;
      assert.deepEqual(d['device']['identifiers'], [`bmeter_${meter}`]);
      assert.equal(d['state_topic'], `bmeter/${meter}/state`);
      assert.equal(d['availability_topic'], `bmeter/${meter}/availability`);
      for (const s of Object.values(d.components)) {
        assert.ok(String(s['unique_id']).startsWith(`bmeter_${meter}_`));
        units.add(String(s['unique_id']));
      }
      assert.equal(watcher.messages(`bmeter/${meter}/availability`).at(-1)?.payload, 'offline', 'SIGTERM: offline');
    }
    assert.equal(units.size, 20, 'ten sensors each, no unique_id shared');
    const firstKwh = (i: number): number => Number(serves[i]?.printed()[0]?.['energy_normal_kwh']);
    assert.ok(Math.abs(firstKwh(0) - 1000) < 1, 'meter 1 counts from 1000 kWh');
    assert.ok(Math.abs(firstKwh(1) - 5000) < 1, 'meter 2 counts from 5000 kWh');
    const topics = new Set(watcher.messages().map((m) => m.topic));
    assert.deepEqual([...topics].sort(), [
      'bmeter/001c640003dd6393/availability',
      'bmeter/001c640003dd6393/state',
      'bmeter/001c6400041a2b3c/availability',
      'bmeter/001c6400041a2b3c/state',
      'homeassistant/device/bmeter_001c640003dd6393/config',
      'homeassistant/device/bmeter_001c6400041a2b3c/config',
    ]);
  },
);
