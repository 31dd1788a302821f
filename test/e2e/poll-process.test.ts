/**
 * `bmeter poll` end to end as a process among others: SIGTERM during an interval run, a closed
 * stdout (`| head -1`), and a second bmeter on the port. The built CLI over the real serialport stack
 * against the suite's target (helpers/target.ts). Faults of the session: poll-recovery.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type SpawnOptions } from 'node:child_process';
import { BIN } from './helpers/paths.js';
import { baseEnv, describeRun, runBmeter, spawnBmeter } from './helpers/run-bmeter.js';
import { TARGET } from './helpers/target.js';
import { scannedTarget, until } from './helpers/target-scan.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = TARGET.credentials;

/** Runs `bash -c script` to its end without blocking the event loop; its status (null if killed) and output. */
function shell(
  script: string,
  options: SpawnOptions,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-c', script], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test(
  'SIGTERM during an interval run finishes the reading, sends SKTERM and exits 0',
  { timeout: TARGET.ms(60_000) },
  async (t) => {
    const dir = tempDirFor(t);
    const { common } = await scannedTarget(t, dir);
    const proc = spawnBmeter(['poll', ...common, '--interval', '0.3', '--format', 'json', '--log-level', 'trace'], {
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
  const { common } = await scannedTarget(t, dir);
  const quoted = [BIN, 'poll', ...common, '--interval', '0.3', '--format', 'json'].map((a) => `'${a}'`).join(' ');
  // `timeout -s KILL` bounds the bmeter process itself: the spawn's own timeout would kill only
  // bash and leave an orphaned `bmeter poll --interval` running if the EPIPE handling broke. Not
  // spawnSync: the simulator answers from this process's event loop (helpers/simulator-in-process.ts).
  const run = await shell(
    `set -o pipefail; timeout -s KILL ${TARGET.ms(25_000) / 1000} '${process.execPath}' ${quoted} | head -1`,
    { env: baseEnv(CREDENTIALS), cwd: dir.path, timeout: TARGET.ms(30_000) },
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
    const { common } = await scannedTarget(t, dir);
    const first = spawnBmeter(['poll', ...common, '--interval', '0.3', '--format', 'json'], {
      env: CREDENTIALS,
      cwd: dir.path,
      timeoutMs: TARGET.ms(30_000),
    });
    t.after(() => first.stop(500));
    await until(() => first.stdout().includes('\n'), TARGET.ms(30_000));
    const second = await runBmeter(['poll', ...common, '--wait-port', '0.5'], { env: CREDENTIALS, cwd: dir.path });
    assert.equal(second.code, 5, describeRun(second));
    assert.ok(second.stderr.includes(String(first.pid)), `the message names pid ${first.pid}:\n${second.stderr}`);
    assert.ok(second.durationMs >= 500, 'it waited --wait-port seconds first');
  },
);
