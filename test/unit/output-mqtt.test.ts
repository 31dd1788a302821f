/**
 * The pure parts of the MQTT output (src/output/mqtt/): the broker URL, the topics, the state
 * JSON and the Home Assistant discovery payload, checked field by field against values written
 * here by hand from HA's MQTT discovery rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reading } from '../../src/meter/reading.js';
import { parseBrokerUrl } from '../../src/output/mqtt/broker-url.js';
import { discoveryPayload, wiringFromReading } from '../../src/output/mqtt/discovery.js';
import { statePayload } from '../../src/output/mqtt/state.js';
import { meterTopics } from '../../src/output/mqtt/topics.js';

const METER = '001c640003dd6393';
const TOPICS = meterTopics(METER, 'bmeter', 'homeassistant');

test('topics are made from the MAC under the two prefixes', () => {
  assert.deepEqual(TOPICS, {
    state: 'bmeter/001c640003dd6393/state',
    availability: 'bmeter/001c640003dd6393/availability',
    discovery: 'homeassistant/device/bmeter_001c640003dd6393/config',
    haStatus: 'homeassistant/status',
  });
  assert.equal(meterTopics(METER, 'home/power', 'ha').state, 'home/power/001c640003dd6393/state');
  assert.throws(() => meterTopics('001C640003DD6393', 'bmeter', 'homeassistant'), /16 lower-case hex/);
  assert.throws(() => meterTopics('00000000000000000000DEM0B0000001', 'bmeter', 'homeassistant'), /16 lower-case hex/);
});

test('a broker URL is checked, given its default port, and its userinfo split off', () => {
  const plain = 'mqtt://broker.lan:1883';
  const tls = 'mqtts://broker.lan:8883';
  assert.deepEqual(parseBrokerUrl('mqtt://broker.lan'), { url: plain, display: plain });
  assert.deepEqual(parseBrokerUrl('mqtts://broker.lan'), { url: tls, display: tls });
  assert.deepEqual(parseBrokerUrl('mqtt://me:p%40ss@10.0.0.2:1884', { username: 'other', password: 'x' }), {
    url: 'mqtt://10.0.0.2:1884',
    display: 'mqtt://10.0.0.2:1884',
    username: 'me',
    password: 'p@ss',
  });
  assert.deepEqual(parseBrokerUrl('mqtt://10.0.0.2', { username: 'ha', password: 'secret' }), {
    url: 'mqtt://10.0.0.2:1883',
    display: 'mqtt://10.0.0.2:1883',
    username: 'ha',
    password: 'secret',
  });
});

test('a bad broker URL is a usage error (exit 2) that never repeats the password', () => {
  for (const [url, message] of [
    ['http://me:hunter22@broker.lan', /must start with mqtt:\/\/ or mqtts:\/\/$/],
    ['broker.lan:1883', /must start with mqtt:\/\/ or mqtts:\/\//],
    ['mqtt://me:hunter22@', /not a URL|names no host/],
    ['mqtt://broker.lan/topic', /no path or query/],
    ['mqtt://broker.lan:99999', /not a URL/],
  ] as const) {
    assert.throws(
      () => parseBrokerUrl(url),
      (err: Error & { exitCode?: number }) => {
        assert.equal(err.exitCode, 2, url);
        assert.match(err.message, message);
        assert.ok(!err.message.includes('hunter22'), `the password shows in: ${err.message}`);
        return true;
      },
    );
  }
});

const FULL: Reading = {
  timestamp: '2026-12-01T05:04:05.601+09:00',
  power_w: 236,
  current_r_a: 1.3,
  current_t_a: null,
  energy_normal_kwh: 12345.6,
  energy_reverse_kwh: null,
  fixed_normal_at: '2026-12-01T05:00:00+09:00',
  fixed_normal_kwh: 12345.5,
  fixed_reverse_at: null,
  fixed_reverse_kwh: null,
  source: 'notification',
};

test('the state JSON leaves out what the meter did not give and adds the link quality when known', () => {
  assert.deepEqual(statePayload(FULL), {
    timestamp: '2026-12-01T05:04:05.601+09:00',
    power_w: 236,
    current_r_a: 1.3,
    energy_normal_kwh: 12345.6,
    fixed_normal_at: '2026-12-01T05:00:00+09:00',
    fixed_normal_kwh: 12345.5,
    source: 'notification',
  });
  assert.equal(statePayload({ ...FULL, power_w: 0 })['power_w'], 0, 'a real 0 W stays');
  const withLink = statePayload(FULL, { lqi: 178, rssiDbm: -55.32 });
  assert.equal(withLink['lqi'], 178);
  assert.equal(withLink['rssi_dbm'], -55.32);
});

test('the first reading decides the wiring: R without T is single-phase 2-wire', () => {
  assert.equal(wiringFromReading({ current_r_a: 2.5, current_t_a: null }), '1p2w');
  assert.equal(wiringFromReading({ current_r_a: 2.5, current_t_a: 0 }), '1p3w');
  assert.equal(wiringFromReading({ current_r_a: null, current_t_a: null }), '1p3w', 'E8 not read: both kept');
});

test('device discovery: one device from the MAC, origin, availability, each sensor with classes and unit', () => {
  const p = discoveryPayload({
    meter: METER,
    topics: TOPICS,
    wiring: '1p3w',
    version: '0.1.0',
    linkKnown: true,
    expireAfterS: 180,
    device: { manufacturer: 'Maker 000016', swVersion: 'ECHONET Lite Appendix F', serialNumber: 'SIM000000001' },
  }) as Record<string, any>;
  assert.deepEqual(p['device'], {
    identifiers: ['bmeter_001c640003dd6393'],
    name: 'Smart meter dd6393',
    model: 'Low-voltage smart electricity meter',
    manufacturer: 'Maker 000016',
    sw_version: 'ECHONET Lite Appendix F',
    serial_number: 'SIM000000001',
  });
  assert.deepEqual(p['origin'], { name: 'bmeter', sw_version: '0.1.0' });
  assert.equal(p['availability_topic'], 'bmeter/001c640003dd6393/availability');
  assert.equal(p['payload_available'], 'online');
  assert.equal(p['payload_not_available'], 'offline');
  assert.equal(p['state_topic'], 'bmeter/001c640003dd6393/state');
  const c = p['components'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(c), [
    'power',
    'current_r',
    'current_t',
    'energy_bought',
    'energy_sold',
    'energy_bought_fixed',
    'energy_sold_fixed',
    'last_reading',
    'lqi',
    'rssi',
  ]);
  assert.deepEqual(c['power'], {
    platform: 'sensor',
    name: 'Power',
    unique_id: 'bmeter_001c640003dd6393_power',
    default_entity_id: 'sensor.bmeter_001c640003dd6393_power',
    value_template: '{{ value_json.power_w | is_defined }}',
    device_class: 'power',
    unit_of_measurement: 'W',
    state_class: 'measurement',
    expire_after: 180,
  });
  assert.deepEqual(c['current_t'], {
    platform: 'sensor',
    name: 'Current T',
    unique_id: 'bmeter_001c640003dd6393_current_t',
    default_entity_id: 'sensor.bmeter_001c640003dd6393_current_t',
    value_template: '{{ value_json.current_t_a | is_defined }}',
    device_class: 'current',
    unit_of_measurement: 'A',
    state_class: 'measurement',
    expire_after: 180,
  });
  assert.deepEqual(c['energy_sold'], {
    platform: 'sensor',
    name: 'Energy sold',
    unique_id: 'bmeter_001c640003dd6393_energy_sold',
    default_entity_id: 'sensor.bmeter_001c640003dd6393_energy_sold',
    value_template: '{{ value_json.energy_reverse_kwh | is_defined }}',
    device_class: 'energy',
    unit_of_measurement: 'kWh',
    state_class: 'total_increasing',
  });
  assert.equal(c['energy_bought_fixed']?.['value_template'], '{{ value_json.fixed_normal_kwh | is_defined }}');
  assert.equal(c['energy_bought_fixed']?.['state_class'], 'total_increasing');
  assert.deepEqual(c['last_reading'], {
    platform: 'sensor',
    name: 'Last reading',
    unique_id: 'bmeter_001c640003dd6393_last_reading',
    default_entity_id: 'sensor.bmeter_001c640003dd6393_last_reading',
    value_template: '{{ value_json.timestamp | is_defined }}',
    device_class: 'timestamp',
    entity_category: 'diagnostic',
  });
  assert.equal(c['rssi']?.['device_class'], 'signal_strength');
  assert.equal(c['rssi']?.['unit_of_measurement'], 'dBm');
  for (const [key, component] of Object.entries(c)) {
    assert.ok(!('object_id' in component), `${key} uses the deprecated object_id`);
    assert.equal(component['unique_id'], `bmeter_001c640003dd6393_${key}`);
  }
});

test('a 2-wire meter gets no current T, an unknown link no LQI, a one-shot run no expire_after', () => {
  const p = discoveryPayload({ meter: METER, topics: TOPICS, wiring: '1p2w', version: '0.1.0', linkKnown: false });
  const c = p['components'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(c), [
    'power',
    'current_r',
    'energy_bought',
    'energy_sold',
    'energy_bought_fixed',
    'energy_sold_fixed',
    'last_reading',
  ]);
  assert.equal('expire_after' in (c['power'] ?? {}), false);
  assert.deepEqual(p['device'], {
    identifiers: ['bmeter_001c640003dd6393'],
    name: 'Smart meter dd6393',
    model: 'Low-voltage smart electricity meter',
  });
});
