/**
 * `bmeter scan` in process: the real program (createProgram) with the built-in simulator as the
 * transport, in-memory stdout/stderr, no serial port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  existsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/transport.js';
import { runProgram } from '../fixtures/run-program.js';

async function runScanCommand(args: string[], options: { simUrl: string; env?: NodeJS.ProcessEnv; tty?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-scan-cli-'));
  const { code, stdout, stderr, ports } = await runProgram(['scan', '--port', '/dev/ttySIM0', ...args], {
    cwd: dir,
    simUrl: options.simUrl,
    ...(options.env !== undefined && { env: options.env }),
    ...(options.tty !== undefined && { tty: options.tty }),
    now: () => new Date('2024-05-01T00:00:00Z'),
  });
  const scanPath = join(dir, 'bmeter.scan.json');
  const file = existsSync(scanPath)
    ? (JSON.parse(readFileSync(scanPath, 'utf8')) as Record<string, unknown>)
    : undefined;
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr, file, ports, scanPath };
}

test('scan writes ./bmeter.scan.json by default and summarises the meter on stdout', async () => {
  const run = await runScanCommand([], { simUrl: 'sim://?findAt=5&timeScale=0.001' });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.ports, ['/dev/ttySIM0']);
  assert.equal(run.file?.['macAddress'], '001C640003DE5A1B');
  assert.equal(run.file?.['ipv6'], 'FE80:0000:0000:0000:021C:6400:03DE:5A1B');
  assert.equal(run.file?.['panId'], '5A1B');
  assert.equal(run.file?.['channel'], 59);
  assert.match(run.stdout, /^Meter found on channel 59 \(0x3B, 927\.7 MHz\), PAN ID 5A1B$/m);
  assert.match(run.stdout, /LQI 178 \(RSSI -55\.32 dBm\)/);
  assert.match(run.stdout, /Scan file written to .*bmeter\.scan\.json/);
  assert.match(run.stderr, /attempt 1\/4, duration 4/);
  assert.match(run.stderr, /attempt 2\/4, duration 5/);
  assert.doesNotMatch(run.stderr, /duration 6/);
});

test('scan --json prints the scan file content on stdout, all but the PairID', async () => {
  const run = await runScanCommand(['--json'], { simUrl: 'sim://?findAt=4&timeScale=0.001&dialect=dual' });
  assert.equal(run.code, 0, run.stderr);
  const { pairId: _secret, ...shown } = run.file ?? {};
  assert.deepEqual(JSON.parse(run.stdout), shown);
  assert.equal(run.file?.['dialect'], 'dual');
});

test('--min-duration and --max-duration choose the attempts; nothing heard is exit 3', async () => {
  const run = await runScanCommand(['--min-duration', '5', '--max-duration', '6'], {
    simUrl: 'sim://?findAt=9&timeScale=0.001',
  });
  assert.equal(run.code, 3);
  assert.doesNotMatch(run.stderr, /duration 4/);
  assert.match(run.stderr, /duration 5/);
  assert.match(run.stderr, /duration 6/);
  assert.match(run.stderr, /no smart meter answered/);
  assert.equal(run.stdout, '');
  assert.equal(run.file, undefined);
});

test('a min duration above the max duration is a usage error', async () => {
  const run = await runScanCommand(['--min-duration', '7', '--max-duration', '5'], { simUrl: 'sim://' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--min-duration 7 is larger than --max-duration 5/);
});

test('a duration outside 0–14 is refused before the port is opened', async () => {
  const run = await runScanCommand(['--max-duration', '15'], { simUrl: 'sim://' });
  assert.equal(run.code, 2);
  assert.deepEqual(run.ports, []);
});

test('missing credentials are a usage error and the port is not opened', async () => {
  const run = await runScanCommand([], { simUrl: 'sim://', env: {} });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /BMETER_ROUTEB_ID/);
  assert.deepEqual(run.ports, []);
});

test('with a neighbour in range the meter with our PairID is chosen', async () => {
  const run = await runScanCommand([], { simUrl: 'sim://?findAt=4&neighbours=1&timeScale=0.001' });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.file?.['macAddress'], '001C640003DE5A1B');
  assert.equal(run.file?.['pairId'], 'B0000001');
});

test('the credentials never appear on stdout or stderr, even at trace level', async () => {
  const run = await runScanCommand(['--log-level', 'trace'], { simUrl: 'sim://?findAt=4&timeScale=0.001' });
  assert.equal(run.code, 0, run.stderr);
  // The PairID (the ID's last 8 characters) is part of the secret too.
  for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD, 'B0000001']) {
    assert.ok(!run.stdout.includes(secret), 'stdout is clean');
    assert.ok(!run.stderr.includes(secret), 'stderr is clean');
  }
});

test('scan --json prints the scan file without the PairID, which stays in the file', async () => {
  const run = await runScanCommand(['--json', '-vvv'], { simUrl: 'sim://?findAt=4&timeScale=0.001' });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.file?.['pairId'], 'B0000001');
  assert.equal((JSON.parse(run.stdout) as Record<string, unknown>)['macAddress'], '001C640003DE5A1B');
  assert.ok(!run.stdout.includes('B0000001'), run.stdout);
  assert.ok(!run.stderr.includes('B0000001'));
});

test('a scan file folder that cannot be created is one line naming it, exit 2, before the port is opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-scan-cli-'));
  try {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'a file where the folder should be');
    const target = join(blocker, 'sub', 'bmeter.scan.json');
    const run = await runProgram(['scan', '--port', '/dev/ttySIM0', '--scan-file', target], {
      cwd: dir,
      simUrl: 'sim://?findAt=4&timeScale=0.001',
    });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `bmeter: cannot write the scan file ${target}: folder ${join(blocker, 'sub')} cannot be created or written (ENOTDIR) — choose another with --scan-file\n`,
    );
    assert.deepEqual(run.ports, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the scan file is written 0600 whatever the umask', async () => {
  const old = process.umask(0o022);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'bmeter-scan-cli-'));
    const run = await runProgram(['scan', '--port', '/dev/ttySIM0'], {
      cwd: dir,
      simUrl: 'sim://?findAt=4&timeScale=0.001',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(statSync(join(dir, 'bmeter.scan.json')).mode & 0o777, 0o600);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    process.umask(old);
  }
});

test('a --scan-file holding anything but a scan is refused, exit 2, before the port is opened, and kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-scan-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const scan = (name: string) =>
    runProgram(['scan', '--port', '/dev/ttySIM0', '--scan-file', name], { cwd: dir, simUrl: 'sim://?timeScale=0.001' });
  writeFileSync(join(dir, 'notes.txt'), 'my notes\nmore notes\n');
  const refused = await scan('notes.txt');
  assert.equal(refused.code, 2);
  assert.equal(
    refused.stderr,
    `bmeter: the scan file ${join(dir, 'notes.txt')} holds something else (its first line is "my notes"): ` +
      'give another --scan-file, or move that file away\n',
  );
  assert.deepEqual(refused.ports, [], 'the port is not opened');
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'my notes\nmore notes\n');

  // Another program's JSON object is the user's too, and kept.
  const packageJson = '{\n  "name": "my-app",\n  "version": "1.0.0",\n  "private": true,\n  "type": "module"\n}\n';
  writeFileSync(join(dir, 'package.json'), packageJson);
  const other = await scan('package.json');
  assert.equal(other.code, 2);
  assert.equal(
    other.stderr,
    `bmeter: the scan file ${join(dir, 'package.json')} holds something else (a JSON object with the keys "name", ` +
      '"version", "private", …, not a scan): give another --scan-file, or move that file away\n',
  );
  assert.deepEqual(other.ports, [], 'the port is not opened');
  assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), packageJson);

  // An empty file, a scan file cut short or missing fields, or one of a later version is what a new scan replaces.
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'cut.json'), '{"version":1,"scannedAt":"2024-05');
  writeFileSync(join(dir, 'partial.json'), '{"version":1}');
  writeFileSync(join(dir, 'later.json'), '{"version":2,"scannedAt":"2030-01-01T00:00:00+09:00","beacon":"x"}');
  for (const name of ['empty.json', 'cut.json', 'partial.json', 'later.json']) {
    const run = await scan(name);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, name), 'utf8')).macAddress, '001C640003DE5A1B');
  }
});

test('a scan that finds no meter (exit 3) takes back the folders it made for the scan file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-scan-cli-'));
  try {
    mkdirSync(join(dir, 'there'));
    const scan = (file: string) =>
      runProgram(
        ['scan', '--port', '/dev/ttySIM0', '--scan-file', file, '--min-duration', '3', '--max-duration', '3'],
        {
          cwd: dir,
          simUrl: 'sim://?findAt=9&timeScale=0.001',
          virtualClock: true,
        },
      );
    const fresh = await scan('new/deeper/bmeter.scan.json');
    assert.equal(fresh.code, 3, fresh.stderr);
    const kept = await scan('there/bmeter.scan.json');
    assert.equal(kept.code, 3, kept.stderr);
    assert.deepEqual(readdirSync(dir), ['there'], 'new/deeper gone, the folder from before kept');
    assert.deepEqual(readdirSync(join(dir, 'there')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scan stopped by SIGINT (exit 0) takes back the empty folders it made for the scan file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-scan-cli-'));
  try {
    mkdirSync(join(dir, 'there'));
    const scan = async (file: string) => {
      const stop = new AbortController();
      const r = await runProgram(['scan', '--port', '/dev/ttySIM0', '--scan-file', file], {
        cwd: dir,
        simUrl: 'sim://?findAt=9&timeScale=0.001',
        virtualClock: true,
        signal: stop.signal,
        onPort: () => stop.abort(), // Ctrl-C as the stick is being opened
      });
      assert.ok(stop.signal.aborted);
      return r;
    };
    const fresh = await scan('new/deeper/bmeter.scan.json');
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(fresh.ports, ['/dev/ttySIM0'], 'the scan had begun');
    const kept = await scan('there/bmeter.scan.json');
    assert.equal(kept.code, 0, kept.stderr);
    assert.deepEqual(readdirSync(dir), ['there'], 'new/deeper gone, the folder from before kept');
    assert.deepEqual(readdirSync(join(dir, 'there')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
