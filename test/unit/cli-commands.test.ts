/**
 * `bmeter poll`, `history` and `decode` in process: the real program (createProgram) with the
 * built-in simulator as the transport, in-memory stdout/stderr, a scan file written by `bmeter
 * scan` first (each command gets a fresh simulator, as each process does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../fixtures/run-program.js';

const SIM = 'sim://?timeScale=0.001';

function run(cwd: string, args: string[], stdin = new PassThrough()) {
  return runProgram(['--port', '/dev/ttySIM0', ...args], { cwd, simUrl: SIM, stdin });
}

async function scanned(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  const scan = await run(cwd, ['scan']);
  assert.equal(scan.code, 0, scan.stderr);
  return cwd;
}

test('poll reads once and writes one JSON line with the requested properties', async () => {
  const cwd = await scanned();
  try {
    const r = await run(cwd, ['poll', '--format', 'json', '--properties', '0xE7,e8']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(typeof record['power_w'], 'number');
    assert.equal(typeof record['current_r_a'], 'number');
    assert.equal(record['energy_normal_kwh'], null, 'not asked for');
    assert.deepEqual(r.ports, ['/dev/ttySIM0']);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('poll --properties with an EPC it cannot record is a usage error naming the flag, before the port is opened', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  try {
    for (const list of ['E7,ZZ', 'E7,D3']) {
      const r = await run(cwd, ['poll', '--properties', list]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--properties/);
      assert.match(r.stderr, /cannot poll property (ZZ|D3): choose from E7, E8, E0, E3, EA, EB/);
      assert.doesNotMatch(r.stderr, /invalid configuration/);
      assert.deepEqual(r.ports, []);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('poll --interval longer than a Node timer can wait is refused (it would poll back to back)', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  try {
    const r = await run(cwd, ['poll', '--interval', '3000000']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--interval must be a number of seconds > 0 and at most 2147483/);
    assert.deepEqual(r.ports, []);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history appends CSV to --output relative to the working directory, header first', async () => {
  const cwd = await scanned();
  try {
    const r = await run(cwd, ['history', '--days', '2', '--format', 'csv', '--output', 'halfhours.csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const lines = readFileSync(join(cwd, 'halfhours.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh');
    assert.ok(lines.length >= 49, 'every half hour of yesterday');
    assert.match(lines[1] ?? '', /^\d{4}-\d{2}-\d{2}T00:00:00\+09:00,/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history draws its progress bar on a terminal only while its records do not go to that terminal', async () => {
  const cwd = await scanned();
  try {
    const onTerminal = (args: string[], stdoutTTY: boolean) =>
      runProgram(['--port', '/dev/ttySIM0', 'history', '--days', '2', '--format', 'csv', ...args], {
        cwd,
        simUrl: SIM,
        tty: true,
        stdoutTTY,
      });
    const toFile = await onTerminal(['--output', 'h.csv'], true);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.match(toFile.stderr, /\r\x1b\[K\[#*\.*\] \d\/\d days/);
    const toPipe = await onTerminal([], false);
    assert.equal(toPipe.code, 0, toPipe.stderr);
    assert.match(toPipe.stderr, /\[#*\.*\] \d\/\d days/);
    // Records on the terminal the bar is drawn on would share its line: no bar.
    const toScreen = await onTerminal([], true);
    assert.equal(toScreen.code, 0, toScreen.stderr);
    assert.equal(toScreen.stderr, '');
    assert.match(toScreen.stdout, /^slot_start,/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history without a scan file says to run bmeter scan first (exit 2)', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  try {
    const r = await run(cwd, ['history']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no scan file at .*bmeter\.scan\.json — run `bmeter scan` first/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('decode with no frames on a terminal says it reads stdin, then decodes what is typed', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  try {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end('1081000102880105FF017201E704000004A8\n');
    const r = await run(cwd, ['decode'], stdin);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /reading ERXUDP lines or hex frames from the terminal.*Ctrl-D/);
    assert.deepEqual((JSON.parse(r.stdout) as { properties: { value: unknown }[] }).properties[0]?.value, {
      watts: 1192,
      unit: 'W',
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history --since in the future says so and exits 2, before the port is opened', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  try {
    const r = await runProgram(['--port', '/dev/ttySIM0', 'history', '--since', '2030-01-01T00:00:00+09:00'], {
      cwd,
      simUrl: SIM,
      now: () => new Date('2026-11-30T12:00:00+09:00'),
    });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'bmeter: --since 2030-01-01T00:00:00+09:00 is in the future: no slot after it has been recorded yet — give a past time, or "auto" with --output\n',
    );
    assert.deepEqual(r.ports, []);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history --resolution 1m against the default simulator says that sim://?release=R serves it', async () => {
  const cwd = await scanned();
  try {
    const r = await runProgram(['--port', 'sim://?timeScale=0.001', 'history', '--resolution', '1m'], {
      cwd,
      simUrl: SIM,
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /one-minute history.* — the built-in simulator serves one-minute history as a Release R meter: --port 'sim:\/\/\?release=R'\n$/,
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
