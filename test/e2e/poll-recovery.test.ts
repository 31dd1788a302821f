/**
 * `bmeter poll` end to end when things go wrong: session events and lost replies during an
 * interval run, a wrong password, SIGTERM, a closed stdout, and a second process on the port.
 * The built CLI over the real serialport stack against the suite's target (helpers/target.ts);
 * injected faults and a wrong password on a stick without a session need the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { BIN } from './helpers/paths.js';
import { baseEnv, describeRun, runBmeter, spawnBmeter } from './helpers/run-bmeter.js';
import { TARGET, type TestPort } from './helpers/target.js';
import { tempDirFor, type TempDir } from './helpers/temp-dir.js';

const CREDENTIALS = TARGET.credentials;

/**
 * Short waits keep the simulator runs fast: a dropped reply is retried after 1 s, a join given 5 s.
 * A real meter gets the defaults (a join can take ~40 s, docs/protocol.md §3.8).
 */
function configArgs(dir: TempDir): string[] {
  if (TARGET.kind !== 'simulator') return [];
  const path = dir.file('bmeter.config.json');
  writeFileSync(
    path,
    JSON.stringify({ timeouts: { responseMs: 1000, joinMs: 5000 }, retries: { join: 1, request: 2 } }),
    { mode: 0o600 },
  );
  return ['--config', path];
}

async function scanned(
  t: { after(fn: () => unknown): void },
  dir: TempDir,
  simArgs: string[] = [],
): Promise<{ port: TestPort; common: string[] }> {
  const port = await TARGET.port(dir, simArgs);
  t.after(() => port.stop());
  const common = ['--port', port.path, '--scan-file', dir.file('scan.json'), ...configArgs(dir)];
  const scan = await runBmeter(['scan', ...TARGET.scanArgs, ...common], {
    env: CREDENTIALS,
    cwd: dir.path,
    timeoutMs: TARGET.ms(30_000),
  });
  assert.equal(scan.code, 0, describeRun(scan));
  return { port, common };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(
  'an interval run survives EVENT 29, EVENT 26, a dropped reply and a Get_SNA without losing a reading',
  { skip: TARGET.needsSimulator, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    // ECHONET request n (one per reading unless retried): 2 dropped, 4 → EVENT 29, 6 → EVENT 26,
    // 8 → Get_SNA with EB missing
    const { common } = await scanned(t, dir, ['--faults', 'drop@2,event29@4,event26@6,sna:EB@8']);
    const run = await runBmeter(['poll', ...common, '--interval', '0.5', '--count', '6', '--format', 'json', '-v'], {
      env: CREDENTIALS,
      cwd: dir.path,
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 0, describeRun(run));
    const records = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(records.length, 6, describeRun(run));
    for (const r of records) assert.equal(typeof r['power_w'], 'number', 'every reading has its power');
    assert.equal(
      records.filter((r) => r['fixed_reverse_kwh'] === null).length,
      1,
      'the Get_SNA reading keeps its other values',
    );
    assert.match(run.stderr, /EVENT 29/);
    assert.match(run.stderr, /EVENT 26/);
    assert.match(run.stderr, /Get_SNA: EB not available/);
  },
);

// On a real stick the session of an earlier test may be kept, and then no SKJOIN is made at all.
test(
  'a wrong password exits 4 naming EVENT 24 and the variables to check',
  { skip: TARGET.needsSimulator, timeout: 60_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const { common } = await scanned(t, dir);
    const run = await runBmeter(['poll', ...common], {
      env: { BMETER_ROUTEB_ID: CREDENTIALS.BMETER_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: 'WRONGPASS123' },
      cwd: dir.path,
    });
    assert.equal(run.code, 4, describeRun(run));
    assert.match(
      run.stderr,
      /SKJOIN failed: EVENT 24 from FE80:0000:0000:0000:021C:6400:03DE:5A1B \(authentication rejected\) — check BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD/,
    );
    assert.ok(!(run.stdout + run.stderr).includes('WRONGPASS123'));
    assert.equal(run.stdout, '');
  },
);

test(
  'SIGTERM during an interval run finishes the reading, sends SKTERM and exits 0',
  { timeout: TARGET.ms(60_000) },
  async (t) => {
    const dir = tempDirFor(t);
    const { common } = await scanned(t, dir);
    const proc = spawnBmeter(['poll', ...common, '--interval', '0.5', '--format', 'json', '--log-level', 'trace'], {
      env: CREDENTIALS,
      cwd: dir.path,
      timeoutMs: TARGET.ms(30_000),
    });
    t.after(() => proc.stop(500));
    await until(() => proc.stdout().trim().split('\n').filter(Boolean).length >= 2, TARGET.ms(30_000));
    const result = await proc.stop(10_000);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stderr, /"tx":"SKTERM/);
    for (const line of result.stdout.trim().split('\n')) JSON.parse(line); // every record line is whole
  },
);

test('a closed stdout (| head -1) ends the run quietly with status 0', { timeout: TARGET.ms(60_000) }, async (t) => {
  const dir = tempDirFor(t);
  const { common } = await scanned(t, dir);
  const quoted = [BIN, 'poll', ...common, '--interval', '0.3', '--format', 'json'].map((a) => `'${a}'`).join(' ');
  // `timeout -s KILL` bounds the bmeter process itself: spawnSync's own timeout would kill only
  // bash and leave an orphaned `bmeter poll --interval` running if the EPIPE handling broke.
  const run = spawnSync(
    'bash',
    ['-c', `set -o pipefail; timeout -s KILL ${TARGET.ms(25_000) / 1000} '${process.execPath}' ${quoted} | head -1`],
    {
      env: baseEnv(CREDENTIALS),
      cwd: dir.path,
      encoding: 'utf8',
      timeout: TARGET.ms(30_000),
    },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(run.stdout.trim().split('\n').length, 1);
  assert.doesNotMatch(run.stderr, /EPIPE|internal error/);
});

test(
  'a second bmeter waits for the port, then exits 5 naming the process that holds it',
  { timeout: TARGET.ms(60_000) },
  async (t) => {
    const dir = tempDirFor(t);
    const { common } = await scanned(t, dir);
    const first = spawnBmeter(['poll', ...common, '--interval', '0.5', '--format', 'json'], {
      env: CREDENTIALS,
      cwd: dir.path,
      timeoutMs: TARGET.ms(30_000),
    });
    t.after(() => first.stop(500));
    await until(() => first.stdout().includes('\n'), TARGET.ms(30_000));
    const second = await runBmeter(['poll', ...common, '--wait-port', '1'], { env: CREDENTIALS, cwd: dir.path });
    assert.equal(second.code, 5, describeRun(second));
    assert.ok(second.stderr.includes(String(first.pid)), `the message names pid ${first.pid}:\n${second.stderr}`);
    assert.ok(second.durationMs >= 1000, 'it waited --wait-port seconds first');
  },
);
