/**
 * The zod-free fast path of loadConfig (src/config/quick-parse.ts) against the zod schema: it
 * must give exactly zod's result whenever it accepts, and leave every invalid input to zod.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';
import { quickParseConfig } from '../../src/config/quick-parse.js';

const ID = 'A'.repeat(32);

const VALID: unknown[] = [
  {},
  { routeB: { id: ID, password: 'p4ssw0rd1234' } },
  { routeB: { id: ID } },
  { port: 'tcp://127.0.0.1:4000', scanFile: '/tmp/x.json', dialect: 'dual', setHexOutput: true, waitPortSeconds: 0.5, logLevel: 'debug' },
  { scan: { minDuration: 0, maxDuration: 14 } },
  { scan: { marginMs: 60_000 } },
  { timeouts: { commandMs: 100, joinMs: 300_000, responseMs: 120_000 } },
  { timeouts: { responseMs: 250 } },
  { retries: { join: 0, request: 20 } },
  { poll: { properties: ['E7', 'e8'] } },
  { poll: {} },
  { routeB: {}, scan: {}, timeouts: {}, retries: {} },
  { waitPortSeconds: 3600, logLevel: 'silent', dialect: 'single' },
  { meter: { unit: '01', coefficient: 10, digits: 6 } },
  { meter: { unit: '0x0A' } },
  { meter: {} },
];

const INVALID: unknown[] = [
  { colour: 'red' },
  { meter: { unit: '05' } },
  { meter: { unit: 1 } },
  { meter: { coefficient: 1_000_000 } },
  { meter: { digits: 9 } },
  { meter: { digits: 0 } },
  { meter: { colour: 1 } },
  { port: '' },
  { port: 7 },
  { routeB: { id: 'short' } },
  { routeB: { password: '' } },
  { routeB: { password: 'x'.repeat(33) } },
  { routeB: { id: ID, extra: 1 } },
  { routeB: 'secret' },
  { dialect: 'triple' },
  { setHexOutput: 'yes' },
  { waitPortSeconds: -1 },
  { waitPortSeconds: 3601 },
  { waitPortSeconds: Number.NaN },
  { waitPortSeconds: '30' },
  { logLevel: 'verbose' },
  { scan: { minDuration: 15 } },
  { scan: { minDuration: 4.5 } },
  { scan: { unknown: 1 } },
  { timeouts: { joinMs: 999 } },
  { timeouts: { commandMs: Infinity } },
  { retries: { join: 21 } },
  { retries: { request: -1 } },
  { poll: { properties: [] } },
  { poll: { properties: ['E'] } },
  { poll: { properties: 'E7' } },
  { poll: { properties: ['E7', 7] } },
  { dialect: undefined },
  [],
  null,
];

test('the fast path gives exactly the zod schema result for valid configurations', () => {
  for (const input of VALID) {
    const quick = quickParseConfig(input);
    assert.ok(quick !== undefined, `the fast path should accept ${JSON.stringify(input)}`);
    assert.deepEqual(quick, configSchema.parse(input), JSON.stringify(input));
  }
});

test('the fast path leaves every invalid configuration to zod', () => {
  for (const input of INVALID) {
    assert.equal(quickParseConfig(input), undefined, `the fast path accepted ${JSON.stringify(input)}`);
  }
});

test('whatever the fast path accepts, zod accepts with the same result', () => {
  for (const input of [...VALID, ...INVALID]) {
    const quick = quickParseConfig(input);
    if (quick === undefined) continue;
    const slow = configSchema.safeParse(input);
    assert.ok(slow.success, JSON.stringify(input));
    assert.deepEqual(quick, slow.data);
  }
});
