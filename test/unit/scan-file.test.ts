import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScanFile, updateScanFile, writeScanFile } from '../../src/scan/scan-file.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';
import { isBmeterError } from '../../src/errors.js';

const RESULT = SCAN_RESULT;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bmeter-scan-file-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the scan file round-trips with version 1, mode 0600 and no temp file left', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await writeScanFile(path, RESULT);
    assert.deepEqual(await readdir(dir), ['scan.json']);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const json = JSON.parse(await readFile(path, 'utf8'));
    assert.deepEqual(json, { version: 1, ...RESULT });
    assert.deepEqual(Object.keys(json), [
      'version',
      'scannedAt',
      'dialect',
      'firmware',
      'channel',
      'channelHex',
      'channelPage',
      'panId',
      'macAddress',
      'ipv6',
      'lqi',
      'rssiDbm',
      'pairId',
    ]);
    assert.deepEqual(await readScanFile(path), { version: 1, ...RESULT });
  });
});

test('writing replaces an existing file and creates missing directories', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'sub', 'scan.json');
    await writeScanFile(path, RESULT);
    await writeScanFile(path, { ...RESULT, lqi: 100, rssiDbm: -76.77 });
    assert.equal((await readScanFile(path)).lqi, 100);
    assert.deepEqual(await readdir(join(dir, 'sub')), ['scan.json']);
  });
});

test('a failed write leaves neither a temp file nor a changed scan file', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await writeScanFile(path, RESULT);
    const bad = { ...RESULT, macAddress: 'not-a-mac' };
    await assert.rejects(writeScanFile(path, bad), (err) => isBmeterError(err, 'BAD_SCAN_FILE'));
    assert.deepEqual(await readdir(dir), ['scan.json']);
    assert.equal((await readScanFile(path)).macAddress, '0011223344556677');
  });
});

test('a missing scan file says to run bmeter scan first (exit 2)', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'nope.json');
    await assert.rejects(readScanFile(path), (err) => {
      assert.ok(isBmeterError(err, 'NO_SCAN_FILE'));
      assert.equal(err.exitCode, 2);
      assert.equal(err.message, `no scan file at ${path} — run \`bmeter scan\` first`);
      return true;
    });
  });
});

test('a scan file that is not JSON is BAD_SCAN_FILE', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await writeFile(path, '{"version": 1,');
    await assert.rejects(
      readScanFile(path),
      (err) => isBmeterError(err, 'BAD_SCAN_FILE') && /not valid JSON/.test(err.message),
    );
  });
});

test('a scan file with bad and missing fields says so in one line, naming the first of them', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    const { ipv6: _dropped, ...withoutIpv6 } = { version: 1, ...RESULT };
    await writeFile(path, JSON.stringify({ ...withoutIpv6, channel: 61, panId: 'b5fb', lqi: 'DD', dialect: 'triple' }));
    await assert.rejects(readScanFile(path), (err) => {
      assert.ok(isBmeterError(err, 'BAD_SCAN_FILE'));
      assert.equal(err.exitCode, 2);
      assert.equal(
        err.message,
        `scan file ${path} is not valid: dialect must be one of single, dual; channel must be at most 60 (got 61) ` +
          'and 2 other faults; missing ipv6. Run `bmeter scan` again to rewrite it.',
      );
      return true;
    });
  });
});

test('a channelHex that disagrees with channel is reported', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await writeFile(path, JSON.stringify({ version: 1, ...RESULT, channelHex: '21' }));
    await assert.rejects(readScanFile(path), /: channelHex does not match channel 49\. Run `bmeter scan` again/);
  });
});

test('a scan file of another version is refused', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await writeFile(path, JSON.stringify({ ...RESULT, version: 2 }));
    await assert.rejects(readScanFile(path), /is not valid: version must be 1\. Run `bmeter scan` again/);
  });
});

test('an update keeps the other fields and follows derived ones', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await writeScanFile(path, RESULT);
    const updated = await updateScanFile(path, { channel: 59, lqi: 178, scannedAt: '2024-05-02T09:00:00.000+09:00' });
    assert.equal(updated.channel, 59);
    assert.equal(updated.channelHex, '3B');
    assert.equal(updated.rssiDbm, -55.32);
    assert.equal(updated.panId, 'B5FB');
    assert.deepEqual(await readScanFile(path), updated);
    assert.deepEqual(await readdir(dir), ['scan.json']);
  });
});

test('an incomplete update of a missing file is refused and writes nothing', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'scan.json');
    await assert.rejects(updateScanFile(path, { channel: 59 }), (err) => isBmeterError(err, 'BAD_SCAN_FILE'));
    assert.deepEqual(await readdir(dir), []);
  });
});
