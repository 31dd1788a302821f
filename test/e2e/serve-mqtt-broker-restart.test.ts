/**
 * `bmeter serve --mqtt` with the broker stopped and started during the run, end to end: the built
 * CLI (Node with node:sqlite) on the built-in simulator (sim://), a real mosquitto started by the
 * test, an independent MQTT.js subscriber and the real SQLite file: no reading is lost from the
 * store, and MQTT catches up once the broker is back. What serve publishes: serve-mqtt.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { startBroker } from './helpers/mosquitto.js';
import { watch } from './helpers/mqtt-watcher.js';
import { describeRun } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { NEEDS_SERVE_NODE, SERVE_NODE, sqliteRows } from './helpers/serve-node.js';
import { startServe } from './helpers/serve-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const RUN = { env: CREDENTIALS, ...(SERVE_NODE !== undefined && { node: SERVE_NODE }) };
const MAC = '001C640003DD6393';
const STATE = 'bmeter/001c640003dd6393/state';
type Row = Record<string, unknown>;

test(
  'serve --mqtt with the broker stopped and started mid-run: every printed reading is in the store, MQTT catches up',
  { skip: NEEDS_SERVE_NODE, timeout: 120_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const broker = await startBroker(t, dir);
    const common = await scanned(dir, `sim://?meterMac=${MAC}`);
    const db = dir.file('bmeter.db');
    const serve = startServe(t, [...common, '--db', db, '--interval', '0.3', '--mqtt', broker.url, '-v'], {
      ...RUN,
      cwd: dir.path,
    });
    await serve.until('three readings', () => serve.printed().length >= 3);
    await broker.stop();
    const stoppedAt = serve.printed().length;
    await serve.until('readings while the broker is down', () => serve.printed().length >= stoppedAt + 3);
    await broker.start();
    const watcher = await watch(t, broker.url, [STATE]);
    await serve.until('a state after the broker came back', () => watcher.messages(STATE).length >= 2);

    const stopped = await serve.proc.stop(10_000);
    assert.equal(stopped.code, 0, describeRun(stopped));
    assert.match(stopped.stderr, /MQTT broker connection lost; readings go on, reconnecting/);
    assert.match(stopped.stderr, /MQTT broker connected again/);
    const printed = serve.printed();
    const stored = sqliteRows(db, 'SELECT timestamp, power_w FROM readings ORDER BY ts_ms');
    assert.equal(stored.length, printed.length, 'one stored row per printed reading');
    assert.deepEqual(
      stored.map((r) => [r['timestamp'], r['power_w']]),
      printed.map((r) => [r['timestamp'], r['power_w']]),
      'the readings while the broker was down too',
    );
    const states = watcher.messages(STATE).map((m) => JSON.parse(m.payload) as Row);
    const lastState = states.at(-1) ?? {};
    const byTime = printed.find((r) => r['timestamp'] === lastState['timestamp']);
    assert.ok(byTime !== undefined, 'the last state is a printed reading');
    assert.equal(lastState['power_w'], byTime['power_w']);
  },
);
