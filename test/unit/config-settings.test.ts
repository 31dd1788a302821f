/**
 * The start-up path of the config schema (src/config/schema.ts parseSettings: only the settings
 * given are built and checked, the rest take their defaults) gives exactly what the whole schema
 * gives, and leaves every invalid input to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, parseSettings } from '../../src/config/schema.js';

const ID = 'A'.repeat(32);

const VALID: Record<string, unknown>[] = [
  {},
  { routeB: { id: ID, password: 'p4ssw0rd1234' } },
  {
    port: 'tcp://127.0.0.1:4000',
    scanFile: '/tmp/x.json',
    dialect: 'dual',
    setHexOutput: true,
    waitPortSeconds: 0.5,
    logLevel: 'debug',
  },
  { scan: { minDuration: 0, maxDuration: 14, channelDurations: [7] } },
  { timeouts: { commandMs: 100, joinMs: 300_000, responseMs: 120_000, neighbourWaitMs: 0 } },
  { retries: { join: 0, request: 20, neighbourSolicitations: 1 } },
  { poll: { properties: ['E7', 'e8'] } },
  { routeB: {}, scan: {}, timeouts: {}, retries: {}, poll: {} },
  { mqtt: { url: 'mqtt://broker.lan', username: 'ha', password: 'secret' } },
  { mqtt: { topicPrefix: 'home/bmeter', discoveryPrefix: 'ha-test_1' } },
  { mqtt: {} },
  { meter: { unit: '01', coefficient: 10, digits: 6 } },
  { meter: { unit: '0x0A' } },
  { meter: {} },
];

const INVALID: Record<string, unknown>[] = [
  { colour: 'red' },
  { port: '' },
  { routeB: { id: 'short' } },
  { timeouts: { joinMs: 5 } },
  { timeouts: { sendToMs: 1.5 } },
  { retries: { request: 21 } },
  { poll: { properties: [] } },
  { dialect: 'triple' },
  { mqtt: { url: '' } },
  { mqtt: { topicPrefix: 'bmeter/' } },
  { mqtt: { topicPrefix: 'bmeter/#' } },
  { mqtt: { discoveryPrefix: '' } },
  { mqtt: { host: 'broker.lan' } },
  { mqtt: 'mqtt://broker.lan' },
  { meter: { unit: '05' } },
  { meter: { unit: 1 } },
  { meter: { coefficient: 1_000_000 } },
  { meter: { coefficient: 0 } },
  { meter: { digits: 9 } },
  { meter: { digits: 0 } },
  { meter: { colour: 1 } },
];

test('the start-up path gives the whole schema’s result for every valid configuration', () => {
  for (const input of VALID) {
    const whole = configSchema.safeParse(input);
    assert.equal(whole.success, true, JSON.stringify(input));
    assert.deepEqual(parseSettings(input), whole, JSON.stringify(input));
  }
});

test('every invalid configuration is judged by the whole schema', () => {
  for (const input of INVALID) {
    const r = parseSettings(input);
    assert.equal(r.success, false, JSON.stringify(input));
    assert.deepEqual(r, configSchema.safeParse(input));
  }
});

test('an absent timeouts section is the timing table’s defaults, written here by hand', () => {
  const r = parseSettings({});
  assert.ok(r.success);
  assert.equal(r.data.timeouts.joinMs, 40_000);
  assert.equal(r.data.timeouts.keptSessionProbeMs, 4000);
  assert.equal(r.data.timeouts.serialRetryMs, 250);
  assert.equal(r.data.retries.request, 2);
  assert.deepEqual(r.data.scan.channelDurations, [6, 7, 8]);
});
