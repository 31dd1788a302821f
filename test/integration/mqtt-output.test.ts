/**
 * createMqttOutput against a real mosquitto (started by the test on a free loopback port), read
 * back by an independent MQTT.js subscriber: availability, discovery and state with their retain
 * flags, Home Assistant's birth message, a broker that goes away and comes back, refused
 * credentials, and a broker that is not there yet at the start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log/logger.js';
import type { Reading } from '../../src/meter/reading.js';
import { parseBrokerUrl } from '../../src/output/mqtt/broker-url.js';
import { createMqttOutput, type MqttOutputOptions } from '../../src/output/mqtt/mqtt-output.js';
import { systemClock } from '../../src/time/clock.js';
import { startBroker } from '../e2e/helpers/mosquitto.js';
import { watch } from '../e2e/helpers/mqtt-watcher.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const METER = '001c640003dd6393';
const STATE = `bmeter/${METER}/state`;
const AVAILABILITY = `bmeter/${METER}/availability`;
const DISCOVERY = `homeassistant/device/bmeter_${METER}/config`;

const TWO_WIRE: Reading = {
  timestamp: '2026-12-01T05:04:05.601+09:00',
  power_w: 412,
  current_r_a: 4.1,
  current_t_a: null,
  energy_normal_kwh: 9876.5,
  energy_reverse_kwh: null,
  fixed_normal_at: '2026-12-01T05:00:00+09:00',
  fixed_normal_kwh: 9876.4,
  fixed_reverse_at: null,
  fixed_reverse_kwh: null,
  source: 'poll',
};

function logSink(): { text: () => string; write: (s: string) => void } {
  let text = '';
  return { text: () => text, write: (s: string) => void (text += s) };
}

type Log = { write: (s: string) => void };

function options(url: string, log: Log, extra: Partial<MqttOutputOptions> = {}): MqttOutputOptions {
  return {
    broker: parseBrokerUrl(url),
    meter: METER,
    topicPrefix: 'bmeter',
    discoveryPrefix: 'homeassistant',
    version: '0.1.0',
    logger: createLogger({ level: 'debug', destination: log }),
    clock: systemClock,
    reconnect: { initialMs: 100, maxMs: 400 },
    connectTimeoutMs: 2000,
    ...extra,
  };
}

test('online first, discovery once the first reading shows the wiring, then the state; all retained', async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const watcher = await watch(t, broker.url, [`bmeter/${METER}/#`, DISCOVERY]);
  const online = watcher.next(AVAILABILITY);
  const out = await createMqttOutput(options(broker.url, logSink()));
  t.after(() => out.close());
  assert.equal((await online).payload, 'online');
  assert.equal(watcher.messages(DISCOVERY).length, 0, 'no discovery before the wiring is known');
  const discovery = watcher.next(DISCOVERY);
  const state = watcher.next(STATE);
  await out.publish(TWO_WIRE);
  const components = (JSON.parse((await discovery).payload) as { components: Record<string, unknown> }).components;
  assert.ok(!('current_t' in components), 'a 2-wire meter has no current T');
  assert.ok('current_r' in components);
  assert.deepEqual(JSON.parse((await state).payload), {
    timestamp: '2026-12-01T05:04:05.601+09:00',
    power_w: 412,
    current_r_a: 4.1,
    energy_normal_kwh: 9876.5,
    fixed_normal_at: '2026-12-01T05:00:00+09:00',
    fixed_normal_kwh: 9876.4,
    source: 'poll',
  });
  const order = watcher.messages().map((m) => m.topic);
  assert.deepEqual(order, [AVAILABILITY, DISCOVERY, STATE], 'discovery before the state');

  // A late subscriber gets all three as retained messages.
  const late = await watch(t, broker.url, [AVAILABILITY, DISCOVERY, STATE]);
  const retained = await late.first(STATE, (m) => m.retain);
  assert.equal(JSON.parse(retained.payload).power_w, 412);
  assert.ok(
    late.messages().every((m) => m.retain),
    'availability, discovery and state are retained',
  );
  assert.deepEqual(
    late
      .messages()
      .map((m) => m.topic)
      .sort(),
    [AVAILABILITY, DISCOVERY, STATE].sort(),
  );
});

test("Home Assistant's birth message (homeassistant/status online) brings discovery and state again", async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const watcher = await watch(t, broker.url, [DISCOVERY, STATE, 'homeassistant/status']);
  const out = await createMqttOutput(options(broker.url, logSink()));
  t.after(() => out.close());
  const first = watcher.next(STATE);
  await out.publish(TWO_WIRE);
  await first;
  const discovery = watcher.next(DISCOVERY, (m) => !m.retain);
  const state = watcher.next(STATE, (m) => !m.retain);
  await watcher.publish('homeassistant/status', 'offline');
  await watcher.publish('homeassistant/status', 'online');
  assert.equal((await discovery).payload, watcher.messages(DISCOVERY)[0]?.payload, 'the same discovery payload again');
  assert.equal(JSON.parse((await state).payload).power_w, 412);
  assert.equal(watcher.messages(DISCOVERY).length, 2, "HA's offline does not trigger a discovery");
});

test('the broker stopped and started: publish never waits, it reconnects and sends the latest state', async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const log = logSink();
  const out = await createMqttOutput(options(broker.url, log));
  t.after(() => out.close());
  await out.publish(TWO_WIRE);
  await broker.stop();
  const down = Date.now() + 5000;
  while (out.connected && Date.now() < down) await new Promise((r) => setTimeout(r, 20));
  assert.equal(out.connected, false);
  // A publish that waited for the broker would not return before it is started again (below).
  const published = (async () => {
    await out.publish({ ...TWO_WIRE, power_w: 500 });
    await out.publish({ ...TWO_WIRE, power_w: 611 });
    return 'returned';
  })();
  let timer: NodeJS.Timeout | undefined;
  const blocked = new Promise((resolve) => (timer = setTimeout(resolve, 5000, 'still waiting after 5 s')));
  const outcome = await Promise.race([published, blocked]);
  clearTimeout(timer);
  assert.equal(outcome, 'returned', 'publishing while the broker is down returns');
  await broker.start(); // persistence off: the broker comes back empty
  const watcher = await watch(t, broker.url, [STATE, AVAILABILITY, DISCOVERY]);
  // Each waited for: retained or sent live, the three topics need not arrive in the order they were published.
  const state = await watcher.first(STATE, () => true, 10_000);
  assert.equal(JSON.parse(state.payload).power_w, 611, 'the latest state, published on reconnect');
  await watcher.first(AVAILABILITY, (m) => m.payload === 'online', 10_000);
  await watcher.first(DISCOVERY, () => true, 10_000); // discovery published again on reconnect
  assert.match(log.text(), /MQTT broker connection lost; readings go on, reconnecting/);
  assert.match(log.text(), /MQTT broker connected again/);
  const closing = Date.now();
  await out.close();
  // a clean close after a reconnect does not hang on publishes lost with the old socket
  assert.ok(Date.now() - closing < 2000);
});

test('close({ offline: true }) leaves a retained offline; a plain close leaves online', async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const a = await createMqttOutput(options(broker.url, logSink()));
  await a.close({ offline: true });
  let watcher = await watch(t, broker.url, [AVAILABILITY]);
  assert.deepEqual(await watcher.first(AVAILABILITY), { topic: AVAILABILITY, payload: 'offline', retain: true });
  await watcher.close();
  const b = await createMqttOutput(options(broker.url, logSink()));
  await b.close();
  watcher = await watch(t, broker.url, [AVAILABILITY]);
  assert.deepEqual(await watcher.first(AVAILABILITY), { topic: AVAILABILITY, payload: 'online', retain: true });
});

test('refused credentials reject with an exit-1 error naming what to check, without the password', async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir, { meter: 'right-pass' });
  const log = logSink();
  for (const creds of [{ username: 'meter', password: 'wrong-pass' }, {}]) {
    await assert.rejects(
      createMqttOutput(options(broker.url, log, { broker: { ...parseBrokerUrl(broker.url), ...creds } })),
      (err: Error & { exitCode?: number; code?: string }) => {
        assert.equal(err.code, 'BROKER');
        assert.equal(err.exitCode, 1);
        assert.match(err.message, /refused the connection/);
        assert.match(err.message, /BMETER_MQTT_USERNAME and BMETER_MQTT_PASSWORD/);
        assert.ok(!err.message.includes('wrong-pass'));
        return true;
      },
    );
  }
  const right = { ...parseBrokerUrl(broker.url), username: 'meter', password: 'right-pass' };
  const ok = await createMqttOutput(options(broker.url, log, { broker: right }));
  assert.equal(ok.connected, true);
  await ok.close();
  assert.ok(!log.text().includes('right-pass') && !log.text().includes('wrong-pass'), 'no password in the log');
});

test('a broker that is not up yet: the output starts anyway and connects when the broker comes', async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  await broker.stop();
  const log = logSink();
  const out = await createMqttOutput(options(broker.url, log));
  t.after(() => out.close());
  assert.equal(out.connected, false);
  assert.match(log.text(), /MQTT broker not reachable; readings go on, retrying in the background/);
  assert.match(log.text(), /"why":"connection refused \(ECONNREFUSED\): is the broker running, on that port\?"/);
  await out.publish(TWO_WIRE);
  await broker.start();
  const watcher = await watch(t, broker.url, [STATE]);
  assert.equal(JSON.parse((await watcher.first(STATE, () => true, 10_000)).payload).power_w, 412);
  // Connected for the first time: not "again".
  assert.match(log.text(), /"msg":"MQTT broker connected"/);
  assert.doesNotMatch(log.text(), /connected again/);
});

test('an mqtts:// URL to a port without TLS: the warning asks whether the port speaks TLS', async (t) => {
  const dir = tempDirFor(t);
  const broker = await startBroker(t, dir);
  const log = logSink();
  const out = await createMqttOutput(options(broker.url.replace(/^mqtt:/, 'mqtts:'), log));
  t.after(() => out.close());
  assert.equal(out.connected, false);
  assert.match(
    log.text(),
    // mosquitto resets a TLS handshake on its plain port
    /"why":"connection failed \(ECONNRESET\) before the broker answered: does that port speak TLS \(mqtts:\/\/\)\?"/,
  );
});
