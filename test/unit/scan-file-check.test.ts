/**
 * The zod-free check of a scan file (src/scan/file-check.ts) against the zod schema:
 * exactly zod's result whenever it accepts, and every invalid file left to zod.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickCheckScanFile } from '../../src/scan/file-check.js';
import { scanFileSchema } from '../../src/scan/file-schema.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';

const GOOD = { version: 1, ...SIM_SCAN_RESULT, scannedAt: '2024-05-01T09:00:00+09:00', pairId: 'C0B00001' };

const VALID: unknown[] = [
  GOOD,
  { ...GOOD, pairId: null, dialect: 'dual', scannedAt: '2024-02-29T23:59:59.123-05:30' },
  { ...GOOD, extra: 'dropped like zod drops it' },
  { ...GOOD, channel: 33, channelHex: '21', lqi: 0, channelPage: 255 },
];

const INVALID: unknown[] = [
  { ...GOOD, version: 2 },
  { ...GOOD, scannedAt: '2024-05-01 09:00:00' },
  { ...GOOD, scannedAt: '2023-02-29T00:00:00+09:00' },
  { ...GOOD, scannedAt: '2024-04-31T00:00:00+09:00' },
  { ...GOOD, dialect: 'triple' },
  { ...GOOD, channel: 61 },
  { ...GOOD, channelHex: '3C' },
  { ...GOOD, channelHex: '3b' },
  { ...GOOD, panId: '5A1' },
  { ...GOOD, macAddress: '001c640003de5a1b' },
  { ...GOOD, ipv6: 'FE80::021C:6400:03DE:5A1B' },
  { ...GOOD, lqi: 256 },
  { ...GOOD, rssiDbm: 'x' },
  { ...GOOD, pairId: 'short' },
  { ...GOOD, firmware: undefined },
  [],
  null,
];

test('the zod-free scan file check gives exactly the zod result for valid files', () => {
  for (const input of VALID) {
    const quick = quickCheckScanFile(input);
    assert.ok(quick !== undefined, `the fast check should accept ${JSON.stringify(input)}`);
    assert.deepEqual(quick, scanFileSchema.parse(input));
    assert.deepEqual(Object.keys(quick), Object.keys(scanFileSchema.parse(input)));
  }
});

test('the zod-free scan file check leaves every invalid file to zod', () => {
  for (const input of INVALID) {
    assert.equal(quickCheckScanFile(input), undefined, JSON.stringify(input));
    assert.equal(scanFileSchema.safeParse(input).success, false, `zod should reject ${JSON.stringify(input)}`);
  }
});
