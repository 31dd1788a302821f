/** One run never writes two things into one file: `--output F --metrics-file F` is a usage error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BmeterError } from '../../src/errors.js';
import { requireDistinctFiles } from '../../src/cli/distinct-files.js';
import { runProgram } from '../fixtures/run-program.js';

test('two options naming one path (relative or absolute) are refused, naming both', () => {
  assert.throws(
    () => requireDistinctFiles('/home/pi', { '--output': 'power.csv', '--metrics-file': '/home/pi/power.csv' }),
    (err: unknown) =>
      err instanceof BmeterError &&
      err.exitCode === 2 &&
      err.message === '--output and --metrics-file both name /home/pi/power.csv: give each its own file',
  );
  requireDistinctFiles('/home/pi', { '--output': 'power.csv', '--metrics-file': 'bmeter.prom', '--db': undefined });
});

test('poll --output F --metrics-file F exits 2 before touching the meter, and leaves F as it was', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-same-'));
  try {
    const scan = await runProgram(['--port', '/dev/ttySIM0', 'scan'], { cwd, simUrl: 'sim://' });
    assert.equal(scan.code, 0, scan.stderr);
    writeFileSync(join(cwd, 'power.csv'), 'kept\n');
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--format', 'csv', '--output', 'power.csv', '--metrics-file', 'power.csv'],
      { cwd, simUrl: 'sim://' },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--output and --metrics-file both name .*power\.csv/);
    assert.equal(readFileSync(join(cwd, 'power.csv'), 'utf8'), 'kept\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
