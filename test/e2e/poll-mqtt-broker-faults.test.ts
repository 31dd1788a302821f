/**
 * `bmeter poll --mqtt` when the broker cannot be used, end to end: no broker listening, a bad URL,
 * refused credentials, a password on the command line, and a run that never gets the port. The
 * built CLI against the built-in simulator (sim://, or a pty simulator served by the test process
 * where a port must be held) and a real mosquitto started by the test, read back by an independent
 * MQTT.js subscriber. The broker restarted mid-run: poll-mqtt-broker-restart.test.ts; what poll
 * publishes: poll-mqtt.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { freePort, startBroker } from './helpers/mosquitto.js';
import { watch } from './helpers/mqtt-watcher.js';
import { describeRun, runBmeter, spawnBmeter } from './helpers/run-bmeter.js';
import { scanned, scannedPty } from './helpers/scanned.js';
import { startInProcessPtySimulator } from './helpers/simulator-in-process.js';
import { jsonLines } from './helpers/json-lines.js';
import { waitFor } from './helpers/wait.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const MAC = '001C640003DD6393';

const T60 = { timeout: 60_000 };
const T90 = { timeout: 90_000 };

test('bad broker URL exits 2 before the meter is touched; refused credentials exit 1 with advice', T60, async (t) => {
  const dir = tempDirFor(t);
  const badUrl = 'http://me:Pw-123456@broker.lan';
  const badArgs = ['poll', '--port', 'sim://', '--scan-file', dir.file('none.json'), '--mqtt', badUrl];
  const bad = await runBmeter(badArgs, { env: CREDENTIALS, cwd: dir.path });
  assert.equal(bad.code, 2, describeRun(bad));
  assert.match(bad.stderr, /the MQTT broker URL http:\/\/broker\.lan must start with mqtt:\/\/ or mqtts:\/\//);
  assert.ok(!bad.stderr.includes('Pw-123456'));

  const broker = await startBroker(t, dir, { bmeter: 'right-Pass-1' });
  const common = await scanned(dir, `sim://?meterMac=${MAC}`);
  const url = broker.url.replace('mqtt://', 'mqtt://bmeter:wrong-Pass-2@');
  const refused = await runBmeter(['poll', ...common, '--mqtt', url, '-v'], { env: CREDENTIALS, cwd: dir.path });
  assert.equal(refused.code, 1, describeRun(refused));
  assert.match(refused.stderr, new RegExp(`MQTT broker mqtt://127\\.0\\.0\\.1:${broker.port} refused the connection`));
  assert.match(refused.stderr, /check BMETER_MQTT_USERNAME and BMETER_MQTT_PASSWORD/);
  assert.equal(refused.stdout, '', 'no reading was taken');
  assert.ok(!(refused.stdout + refused.stderr).includes('wrong-Pass-2'), 'the password from the URL is not shown');
  const logged = new RegExp(`"broker":"mqtt://127\\.0\\.0\\.1:${broker.port}"`);
  assert.match(refused.stderr, logged, 'the URL is logged without its userinfo');
});

test('no broker listening: a one-shot poll still writes its reading, warns it was not published', T60, async (t) => {
  const dir = tempDirFor(t);
  // A frozen meter clock: a half-hourly INF (at :00/:30 of a live one) would be a second record.
  const common = await scanned(dir, `sim://?meterMac=${MAC}&clock=2024-05-01T12:10:00%2B09:00`);
  const port = await freePort();
  const args = ['poll', ...common, '--format', 'json', '--mqtt', `mqtt://127.0.0.1:${port}`];
  const run = await runBmeter(args, { env: CREDENTIALS, cwd: dir.path });
  assert.equal(run.code, 0, describeRun(run));
  assert.equal(jsonLines(run.stdout).length, 1);
  assert.match(run.stderr, /MQTT broker not reachable; readings go on, retrying in the background/);
  assert.match(run.stderr, /the last reading was not published: the MQTT broker was not reachable/);
});

test('a broker password given in --mqtt is warned about (ps shows it) and never printed', T60, async (t) => {
  const dir = tempDirFor(t);
  const common = await scanned(dir, `sim://?meterMac=${MAC}`);
  const port = await freePort();
  const args = ['poll', ...common, '--format', 'json', '--mqtt', `mqtt://ha:Pw-On-Cmdline-7@127.0.0.1:${port}`];
  const run = await runBmeter(args, { env: CREDENTIALS, cwd: dir.path });
  assert.equal(run.code, 0, describeRun(run));
  assert.match(run.stderr, /--mqtt carries the broker password, which `ps` shows to every user/);
  assert.ok(!(run.stdout + run.stderr).includes('Pw-On-Cmdline-7'));
});

test(
  'an interval poll that never gets the port (another bmeter holds it) leaves the availability online',
  T90,
  async (t) => {
    const dir = tempDirFor(t);
    const broker = await startBroker(t, dir);
    const sim = await startInProcessPtySimulator(dir.file('tty'));
    t.after(() => sim.stop());
    const common = ['--port', sim.path, '--scan-file', dir.file('scan.json')];
    await scannedPty([], dir.file('scan.json'), async () => {
      const scan = await runBmeter(['scan', ...common], { env: CREDENTIALS, cwd: dir.path });
      assert.equal(scan.code, 0, describeRun(scan));
    });
    // The running reader (as serve would be): it holds the stick's port.
    const first = spawnBmeter(['poll', ...common, '--interval', '0.5', '--format', 'json'], {
      env: CREDENTIALS,
      cwd: dir.path,
    });
    t.after(() => first.stop());
    await waitFor('the first reader took a reading', () => first.stdout().includes('"power_w"'), 30_000);

    const second = await runBmeter(
      ['poll', ...common, '--interval', '1', '--mqtt', broker.url, '--wait-port', '0.2', '--format', 'json'],
      { env: CREDENTIALS, cwd: dir.path },
    );
    assert.equal(second.code, 5, describeRun(second));
    // The pty simulator's meter has its own MAC: whatever availability topic is retained, it says online.
    const watcher = await watch(t, broker.url, ['bmeter/+/availability']);
    await waitFor('the retained availability', () => watcher.messages().length > 0, 10_000);
    const [retained] = watcher.messages();
    assert.match(retained?.topic ?? '', /^bmeter\/[0-9a-f]{16}\/availability$/);
    assert.equal(retained?.retain, true);
    assert.equal(retained?.payload, 'online', 'the second run published online on connect and never offline');
  },
);
