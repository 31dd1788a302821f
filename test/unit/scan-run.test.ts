import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log/logger.js';
import { SecretRedactor } from '../../src/log/redact.js';
import { runScan, type PanDescriptorLike, type ScanClient } from '../../src/scan/scan.js';
import { createScanProgress } from '../../src/scan/progress.js';
import { isBmeterError } from '../../src/errors.js';
import { memoryStream as memory } from '../fixtures/memory-stream.js';

const CREDS = { id: '00112233445566778899AABBCCDDEEFF', password: '0123456789AB' };

const METER: PanDescriptorLike = {
  channel: '3B',
  channelPage: '09',
  panId: '6393',
  addr: '001C640003DD6393',
  lqi: 'B2',
  pairId: 'CCDDEEFF',
};

/** A stick that answers the scan only from `findAt` on, and records what it was asked. */
function fakeClient(findAt: number | undefined, pans: PanDescriptorLike[] = [METER]) {
  const calls: string[] = [];
  const scans: { duration: number; timeoutMs: number | undefined; channelMask: number | undefined }[] = [];
  const client: ScanClient = {
    info: { firmware: '1.2.10', dialect: 'single' },
    async setPassword(pw) {
      calls.push(`SKSETPWD ${pw.length}`);
    },
    async setRouteBId(id) {
      calls.push(`SKSETRBID ${id.length}`);
    },
    async scan(duration, options) {
      calls.push(`SKSCAN ${duration}`);
      scans.push({ duration, timeoutMs: options.timeoutMs, channelMask: options.channelMask });
      return findAt !== undefined && duration >= findAt ? pans : [];
    },
    async ll64(mac) {
      calls.push(`SKLL64 ${mac}`);
      return 'FE80:0000:0000:0000:021C:6400:03DD:6393';
    },
  };
  return { client, calls, scans };
}

const baseOptions = (logSink = memory()) => ({
  minDuration: 4,
  maxDuration: 7,
  marginMs: 2000,
  logger: createLogger({
    level: 'debug',
    destination: { write: (t: string) => logSink.stream.write(t) },
    redactor: new SecretRedactor(),
  }),
  now: () => new Date('2024-05-01T00:00:00Z'),
});

test('credentials are set before the first scan, and durations grow until a meter answers', async () => {
  const { client, calls, scans } = fakeClient(5);
  const result = await runScan(client, CREDS, baseOptions());
  assert.deepEqual(calls, ['SKSETPWD 12', 'SKSETRBID 32', 'SKSCAN 4', 'SKSCAN 5', 'SKLL64 001C640003DD6393']);
  assert.deepEqual(scans, [
    { duration: 4, timeoutMs: 6570, channelMask: 0xffffffff },
    { duration: 5, timeoutMs: 10871, channelMask: 0xffffffff },
  ]);
  assert.equal(result.channel, 59);
  assert.equal(result.ipv6, 'FE80:0000:0000:0000:021C:6400:03DD:6393');
  assert.equal(result.pairId, 'CCDDEEFF');
  assert.equal(result.firmware, '1.2.10');
  assert.equal(result.dialect, 'single');
});

test('nothing found after the last duration is NO_METER (exit 3) with what to check', async () => {
  const { client, calls } = fakeClient(undefined);
  await assert.rejects(runScan(client, CREDS, baseOptions()), (err) => {
    assert.ok(isBmeterError(err, 'NO_METER'));
    assert.equal(err.exitCode, 3);
    assert.match(err.message, /BMETER_ROUTEB_ID/);
    assert.match(err.message, /nearer/);
    assert.match(err.message, /--max-duration 8/);
    return true;
  });
  assert.deepEqual(
    calls.filter((c) => c.startsWith('SKSCAN')),
    ['SKSCAN 4', 'SKSCAN 5', 'SKSCAN 6', 'SKSCAN 7'],
  );
});

test('--min-duration and --max-duration bound the attempts', async () => {
  const { client, calls } = fakeClient(undefined);
  await assert.rejects(runScan(client, CREDS, { ...baseOptions(), minDuration: 6, maxDuration: 8 }), (err) =>
    isBmeterError(err, 'NO_METER'),
  );
  assert.deepEqual(
    calls.filter((c) => c.startsWith('SKSCAN')),
    ['SKSCAN 6', 'SKSCAN 7', 'SKSCAN 8'],
  );
});

test('a meter without the PairID of the Route-B ID is taken with a warning', async () => {
  const log = memory();
  const { client } = fakeClient(4, [{ ...METER, pairId: '99999999' }]);
  const result = await runScan(client, CREDS, baseOptions(log));
  assert.equal(result.pairId, '99999999');
  assert.match(log.text(), /"level":"warn".*PairID/);
});

test('a disagreeing SKLL64 is logged and the derived address is kept', async () => {
  const log = memory();
  const { client } = fakeClient(4);
  client.ll64 = async () => 'FE80:0000:0000:0000:0000:0000:0000:0000';
  const result = await runScan(client, CREDS, baseOptions(log));
  assert.equal(result.ipv6, 'FE80:0000:0000:0000:021C:6400:03DD:6393');
  assert.match(log.text(), /SKLL64 disagrees/);
});

test('an aborted signal stops before the next attempt', async () => {
  const abort = new AbortController();
  const { client, calls } = fakeClient(undefined);
  const scan = client.scan.bind(client);
  client.scan = async (d, o) => {
    const found = await scan(d, o);
    abort.abort();
    return found;
  };
  await assert.rejects(runScan(client, CREDS, { ...baseOptions(), signal: abort.signal }), /interrupted/);
  assert.deepEqual(
    calls.filter((c) => c.startsWith('SKSCAN')),
    ['SKSCAN 4'],
  );
});

test('without a terminal, progress is one line per attempt on stderr', async () => {
  const err = memory();
  const { client } = fakeClient(5);
  await runScan(client, CREDS, {
    ...baseOptions(),
    progress: createScanProgress({ stream: err.stream, isTTY: false }),
  });
  const lines = err.text().trim().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? '', /attempt 1\/4, duration 4, about 4\.6 s/);
  assert.match(lines[1] ?? '', /duration 4 .*no meter answered/);
  assert.match(lines[2] ?? '', /attempt 2\/4, duration 5, about 8\.9 s/);
  assert.match(lines[3] ?? '', /duration 5 .*1 PAN answered/);
});

test('on a terminal, progress is one line redrawn in place and cleared at the end', async () => {
  const err = memory();
  const { client } = fakeClient(4);
  await runScan(client, CREDS, { ...baseOptions(), progress: createScanProgress({ stream: err.stream, isTTY: true }) });
  const text = err.text();
  assert.ok(!text.includes('\n'), 'no new lines on a terminal');
  assert.match(text, /\r\x1b\[2Kscanning: duration 4 \(attempt 1\/4\) 0\.\d\/4\.6 s/);
  assert.ok(text.endsWith('\r\x1b[2K'), 'the progress line is erased');
});

test('neither the Route-B ID nor the password reaches the log', async () => {
  const log = memory();
  const { client } = fakeClient(4, [{ ...METER, pairId: '99999999' }]);
  await runScan(client, CREDS, baseOptions(log));
  assert.ok(!log.text().includes(CREDS.id));
  assert.ok(!log.text().includes(CREDS.password));
});
