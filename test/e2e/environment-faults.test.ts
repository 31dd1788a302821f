/**
 * Faults of the environment end in one line on stderr, never a stack trace: stdout on a full disk
 * (`> /dev/full`), an unusable TMPDIR for the demo, one endless line fed to decode. The built CLI,
 * spawned as a user would, with its stdout opened on /dev/full where needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { BIN } from './helpers/paths.js';
import { baseEnv, runBmeter } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

/** Runs bin/bmeter.js with stdout on /dev/full; resolves with its exit code and stderr. */
function runToFullDisk(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: baseEnv(env), stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

const FULL = 'bmeter: cannot write to standard output: ENOSPC: no space left on device, write — output is incomplete\n';

for (const args of [['--help'], ['decode', '1081000102880105FF017201E704000004A8'], ['demo']]) {
  test(`bmeter ${args[0]} with stdout on a full disk says so in one line and exits 1`, async (t) => {
    const dir = tempDirFor(t, 'bmeter-full-');
    const r = await runToFullDisk(args, dir.path);
    assert.equal(r.stderr, FULL);
    assert.equal(r.code, 1);
  });
}

test('poll with stdout on a full disk says so in one line and exits 1', async (t) => {
  const dir = tempDirFor(t, 'bmeter-full-');
  const env = { BMETER_PORT: 'sim://?timeScale=0.001' };
  const scan = await runBmeter(['scan'], {
    cwd: dir.path,
    env: { ...env, BMETER_ROUTEB_ID: '00000000000000000000DEM0B0000001', BMETER_ROUTEB_PASSWORD: 'DEM0PASSW0RD' },
  });
  assert.equal(scan.code, 0, scan.stderr);
  const r = await runToFullDisk(['poll'], dir.path, {
    ...env,
    BMETER_ROUTEB_ID: '00000000000000000000DEM0B0000001',
    BMETER_ROUTEB_PASSWORD: 'DEM0PASSW0RD',
  });
  assert.equal(r.stderr, FULL);
  assert.equal(r.code, 1);
});

test('demo with a TMPDIR that does not exist names it and says what to do, exit 2', async (t) => {
  const dir = tempDirFor(t, 'bmeter-tmpdir-');
  const missing = dir.file('no-such-folder');
  const r = await runBmeter(['demo'], { cwd: dir.path, env: { TMPDIR: missing } });
  assert.equal(r.code, 2);
  assert.ok(
    r.stderr.endsWith(
      `bmeter: the demo keeps its scan file in a temporary folder, but none can be made in ${missing} (ENOENT) — set TMPDIR to a writable folder\n`,
    ),
    r.stderr,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('decode fed one endless line reports it once, skips it, and decodes the next line', async (t) => {
  const dir = tempDirFor(t, 'bmeter-decode-');
  const input = `${'A'.repeat(200_000)}\n1081000102880105FF017201E704000004A8\n`;
  const r = await runBmeter(['decode'], { cwd: dir.path, input });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'line 1: 200000 bytes, longer than any ERXUDP line or frame (64 KiB are read at most); skipped\nbmeter: 1 of 2 lines could not be decoded\n',
  );
  assert.equal(
    (JSON.parse(r.stdout) as { line: number; properties: { value: { watts: number } }[] }).properties[0]?.value.watts,
    1192,
  );
});
