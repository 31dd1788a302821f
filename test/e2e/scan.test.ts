/**
 * `bmeter scan` end to end, as a user runs it: the built CLI over the real serialport stack,
 * against the suite's target (helpers/target.ts): `bmeter simulate --pty` by default, a real stick
 * when BMETER_TEST_PORT is set. Checks that depend on the simulated meter's own values, firmware or
 * find-at duration need the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { TARGET } from './helpers/target.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = TARGET.credentials;
const SECRETS = [CREDENTIALS.BMETER_ROUTEB_ID, CREDENTIALS.BMETER_ROUTEB_PASSWORD];

/** The simulated meter (src/sim/options.ts defaults), written out by hand. */
const METER = {
  macAddress: '001C640003DE5A1B',
  ipv6: 'FE80:0000:0000:0000:021C:6400:03DE:5A1B',
  channel: 59,
  channelHex: '3B',
  lqi: 178,
  rssiDbm: -55.32,
};

const FIRMWARE = { single: '1.2.10', dual: '1.5.2' } as const;

test(
  'scan writes a scan file naming the meter paired with the Route-B ID, and prints no secret',
  { timeout: TARGET.ms(60_000) },
  async (t) => {
    const dir = tempDirFor(t);
    const port = await TARGET.port(dir);
    t.after(() => port.stop());
    const scanFile = dir.file('scan.json');

    const run = await runBmeter(['scan', ...TARGET.scanArgs, '--port', port.path, '--scan-file', scanFile], {
      env: CREDENTIALS,
      cwd: dir.path,
      timeoutMs: TARGET.ms(30_000),
    });

    assert.equal(run.code, 0, describeRun(run));
    const file = JSON.parse(readFileSync(scanFile, 'utf8')) as Record<string, unknown>;
    assert.equal(file['version'], 1);
    assert.match(String(file['macAddress']), /^[0-9A-F]{16}$/);
    assert.match(String(file['ipv6']), /^FE80(:[0-9A-F]{4}){7}$/);
    // The link-local address is the MAC with bit 0x02 of its first byte flipped (§3.7), written out here.
    const mac = String(file['macAddress']);
    const first = (parseInt(mac.slice(0, 2), 16) ^ 0x02).toString(16).toUpperCase().padStart(2, '0');
    const groups = (first + mac.slice(2)).match(/.{4}/g) ?? [];
    assert.equal(file['ipv6'], `FE80:0000:0000:0000:${groups.join(':')}`);
    assert.equal(
      file['pairId'],
      CREDENTIALS.BMETER_ROUTEB_ID.slice(-8),
      'the meter found is the one paired with this ID',
    );
    assert.ok(Number(file['channel']) >= 33 && Number(file['channel']) <= 60, 'a channel of 33–60');
    assert.ok(run.stdout.includes(scanFile), 'the summary says where the file was written');
    for (const secret of SECRETS) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'no credential in the output');
    }
  },
);

for (const dialect of ['single', 'dual'] as const) {
  test(
    `scan finds a ${dialect}-stack meter that answers only at duration 5 and writes the scan file`,
    { skip: TARGET.needsSimulator, timeout: 60_000 },
    async (t) => {
      const dir = tempDirFor(t);
      const sim = await TARGET.port(dir, ['--find-at', '5', '--dialect', dialect]);
      t.after(() => sim.stop());
      const scanFile = dir.file('scan.json');

      const run = await runBmeter(['scan', '--port', sim.path, '--scan-file', scanFile], {
        env: CREDENTIALS,
        cwd: dir.path,
      });

      assert.equal(run.code, 0, describeRun(run));
      const file = JSON.parse(readFileSync(scanFile, 'utf8')) as Record<string, unknown>;
      assert.equal(file['version'], 1);
      assert.equal(file['dialect'], dialect);
      assert.equal(file['firmware'], FIRMWARE[dialect]);
      assert.equal(file['channel'], METER.channel);
      assert.equal(file['channelHex'], METER.channelHex);
      assert.equal(file['channelPage'], 9);
      assert.equal(file['panId'], '5A1B'); // the sim's PAN ID is the MAC's low 16 bits, as in every capture (§3.6)
      assert.equal(file['macAddress'], METER.macAddress);
      assert.equal(file['ipv6'], METER.ipv6);
      assert.equal(String(file['ipv6']).length, 39);
      assert.equal(file['lqi'], METER.lqi);
      assert.equal(file['rssiDbm'], METER.rssiDbm);
      assert.equal(file['pairId'], SIM_DEMO_ROUTEB_ID.slice(-8));
      assert.equal(file['pairId'], 'B0000001');
      assert.match(String(file['scannedAt']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/);
      assert.ok(Math.abs(Date.parse(String(file['scannedAt'])) - Date.now()) < 60_000, 'scannedAt is now');

      assert.equal(statSync(scanFile).mode & 0o777, 0o600, 'only the owner reads the PairID');
      assert.deepEqual(
        readdirSync(dir.path).filter((n) => n.endsWith('.tmp')),
        [],
        'no temp file left',
      );

      // stderr is not a terminal here: one progress line per attempt, at 4 and 5 and not 6
      assert.match(run.stderr, /duration 4\b/);
      assert.match(run.stderr, /duration 5\b/);
      assert.doesNotMatch(run.stderr, /duration 6\b/);

      assert.match(run.stdout, /channel 59/);
      assert.match(run.stdout, /FE80:0000:0000:0000:021C:6400:03DE:5A1B/);
      assert.ok(run.stdout.includes(scanFile), 'the summary says where the file was written');
      for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD]) {
        assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'no credential in the output');
      }
    },
  );

  test(
    `scan exits 3 with what to check when no ${dialect}-stack meter ever answers`,
    { skip: TARGET.needsSimulator, timeout: 60_000 },
    async (t) => {
      const dir = tempDirFor(t);
      const sim = await TARGET.port(dir, ['--find-at', '9', '--dialect', dialect]);
      t.after(() => sim.stop());
      const scanFile = dir.file('scan.json');

      const run = await runBmeter(['scan', '--port', sim.path, '--scan-file', scanFile], {
        env: CREDENTIALS,
        cwd: dir.path,
      });

      assert.equal(run.code, 3, describeRun(run));
      for (const d of [4, 5, 6, 7]) assert.match(run.stderr, new RegExp(`duration ${d}\\b`));
      assert.match(run.stderr, /no smart meter answered/);
      assert.match(run.stderr, /BMETER_ROUTEB_ID/);
      assert.match(run.stderr, /nearer/);
      assert.match(run.stderr, /--max-duration 8/);
      assert.equal(run.stdout, '');
      assert.equal(existsSync(scanFile), false, 'no scan file is written');
    },
  );
}

test('scan --json prints the scan file content but the PairID', { timeout: TARGET.ms(60_000) }, async (t) => {
  const dir = tempDirFor(t);
  const port = await TARGET.port(dir, ['--find-at', '4']);
  t.after(() => port.stop());
  const scanFile = dir.file('scan.json');

  const run = await runBmeter(['scan', '--json', ...TARGET.scanArgs, '--port', port.path, '--scan-file', scanFile], {
    env: CREDENTIALS,
    cwd: dir.path,
    timeoutMs: TARGET.ms(30_000),
  });

  assert.equal(run.code, 0, describeRun(run));
  // All of the file but the PairID (part of the Route-B secret).
  const { pairId, ...shown } = JSON.parse(readFileSync(scanFile, 'utf8')) as Record<string, unknown>;
  assert.equal(pairId, 'B0000001');
  assert.deepEqual(JSON.parse(run.stdout), shown);
});

test('scan without the Route-B credentials is a usage error naming the variables', { timeout: 30_000 }, async (t) => {
  const dir = tempDirFor(t);
  const run = await runBmeter(['scan', '--port', dir.file('no-such-tty'), '--scan-file', dir.file('scan.json')], {
    cwd: dir.path,
  });
  assert.equal(run.code, 2, describeRun(run));
  assert.match(run.stderr, /BMETER_ROUTEB_ID/);
  assert.match(run.stderr, /BMETER_ROUTEB_PASSWORD/);
});
