/**
 * Ctrl-C (the abort signal) during an SKSCAN: the scan ends at once saying it was interrupted —
 * not "no meter answered" with advice about IDs and antennas (exit 3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBmeterError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { runScan, type ScanClient } from '../../src/scan/scan.js';

const CREDS = { id: '00112233445566778899AABBCCDDEEFF', password: '0123456789AB' };

test('an abort during a long SKSCAN ends the scan at once as interrupted, not as "no meter"', async () => {
  const abort = new AbortController();
  let scans = 0;
  const client: ScanClient = {
    info: { firmware: '1.2.10', dialect: 'single' },
    async setPassword() {},
    async setRouteBId() {},
    scan: () => {
      scans += 1;
      setTimeout(() => abort.abort(), 10);
      return new Promise(() => undefined); // a duration-7 scan: ~35 s
    },
  };
  const started = Date.now();
  await assert.rejects(
    runScan(client, CREDS, {
      minDuration: 7,
      maxDuration: 7,
      marginMs: 2000,
      logger: silentLogger(),
      signal: abort.signal,
    }),
    (err: unknown) =>
      isBmeterError(err, 'CLOSED') && /interrupted/.test(err.message) && !/antenna|BMETER_ROUTEB_ID/.test(err.message),
  );
  assert.ok(Date.now() - started < 2000);
  assert.equal(scans, 1);
});
