/**
 * A scan file for the tests that need one but do not test the scan (poll --mqtt, serve …): the real
 * `bmeter scan` runs once per simulator in a test run, and every test gets its own copy in its own
 * folder. The scans are kept in .test-build/scans, which the test runner empties at every run, so the
 * test processes of one run share them (two processes that scan the same simulator at once both write
 * it whole, by rename). Scan.test.ts, signals and port-holder keep their own real scans.
 *
 * Two kinds of simulator: a sim:// URL (scanned()), and a pty simulator given by its `bmeter simulate`
 * options (scannedPty()). A scan of a simulator started with the same options finds the same meter
 * (channel, PAN ID, MAC, LQI, PairID, firmware); only `scannedAt` differs, and nothing reads it back. Options
 * that only shape the readings (the meter's clock, counters, wiring; request faults) do not change the scan, so
 * simulators that differ only in those share one.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../../src/sim/options.js';
import { repoPath } from '../../fixtures/repo-root.js';
import { describeRun, runBmeter } from './run-bmeter.js';
import type { TempDir } from './temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const FOLDER = repoPath('.test-build', 'scans');

/** Simulator URL → its scan file, for this process (a failed scan is tried again by the next test). */
const scans = new Map<string, Promise<string>>();

/** The cached scan file of a simulator (its URL, or `pty` and its options). */
function cacheFile(key: string): string {
  return join(FOLDER, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
}

/** Copies a scan file to `target` with the mode scan gives it (the file holds the PairID). */
function copyScan(from: string, target: string): void {
  copyFileSync(from, target);
  chmodSync(target, 0o600);
}

async function scanOnce(sim: string): Promise<string> {
  const file = cacheFile(sim);
  if (existsSync(file)) return file;
  mkdirSync(FOLDER, { recursive: true });
  const own = `${file}.${process.pid}.tmp`;
  const scan = await runBmeter(['scan', '--port', sim, '--scan-file', own], { env: CREDENTIALS, cwd: FOLDER });
  assert.equal(scan.code, 0, describeRun(scan));
  renameSync(own, file);
  return file;
}

/**
 * Fault items that would make a scanned stick differ from a fresh one: a FAIL on a command the scan
 * sends (or counted across it), and fragmented output, whose random chunk sizes the scan would use up.
 * The request faults (drop, event29 … sna) count ECHONET requests, which a scan never sends.
 */
const SCAN_SENSITIVE = /\b(fail|fragment)\b/i;

/**
 * Simulator options that shape what the meter reads, not what a scan finds (its clock, counters, wiring, ECHONET
 * release, session lifetime, speed): left out of the simulator a scan is cached for.
 */
const READING_ONLY = [
  'clock',
  'initialKwh',
  'wiring',
  'pv',
  'coefficient',
  'release',
  'reverse',
  'sessionLifetimeS',
  'aribHoldS',
  'timeScale',
  'rttMs',
];

/**
 * The simulator whose scan stands for `sim`'s: `sim` without its READING_ONLY options, and without its faults
 * unless they act on the scan (SCAN_SENSITIVE).
 */
function scanKey(sim: string): string {
  const url = new URL(sim);
  for (const name of READING_ONLY) url.searchParams.delete(name);
  if (!SCAN_SENSITIVE.test(url.searchParams.get('faults') ?? '')) url.searchParams.delete('faults');
  url.searchParams.sort();
  return url.href;
}

/** The simulator option a `bmeter simulate` flag sets: `--find-at` → findAt. */
const optionName = (flag: string): string => flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * scanKey() of the simulator that `bmeter simulate` starts with `simArgs` (flag and value pairs: `--find-at 6`
 * is findAt=6, `--sim` gives a query of further options).
 */
function ptyScanKey(simArgs: readonly string[]): string {
  const params = new URLSearchParams();
  for (let i = 0; i < simArgs.length; i += 2) {
    const [flag = '', value = ''] = simArgs.slice(i, i + 2);
    if (flag === '--sim') for (const [name, v] of new URLSearchParams(value)) params.set(name, v);
    else params.set(optionName(flag), value);
  }
  return `pty ${scanKey(`sim://?${params.toString()}`)}`;
}

/**
 * Puts the scan file of `sim` (a sim:// URL) at `dir/name`; returns the `--port … --scan-file …`
 * arguments every later command needs.
 */
export async function scanned(dir: TempDir, sim: string, name = 'scan.json'): Promise<string[]> {
  assert.match(sim, /^sim:\/\//, 'a cached scan is for the in-process simulator only');
  const key = scanKey(sim);
  let file = scans.get(key);
  if (file === undefined) {
    file = scanOnce(key);
    scans.set(key, file);
    file.catch(() => scans.delete(key));
  }
  const target = dir.file(name);
  copyScan(await file, target);
  return ['--port', sim, '--scan-file', target];
}

/**
 * Puts at `file` the scan file of a pty simulator started with the `bmeter simulate` options
 * `simArgs`: a copy of this run's cached one, or else `scan()` (the test's real `bmeter scan` on its
 * own pty, writing `file`; it throws when the scan fails) is run and its file cached for the next
 * test whose simulator scans the same (ptyScanKey). Options whose faults act on the scan (SCAN_SENSITIVE) always
 * scan.
 */
export async function scannedPty(simArgs: readonly string[], file: string, scan: () => Promise<void>): Promise<void> {
  if (SCAN_SENSITIVE.test(simArgs.join(' '))) return scan();
  const cached = cacheFile(ptyScanKey(simArgs));
  if (existsSync(cached)) return copyScan(cached, file);
  await scan();
  mkdirSync(FOLDER, { recursive: true });
  const own = `${cached}.${process.pid}.tmp`;
  copyFileSync(file, own);
  renameSync(own, cached);
}
