/**
 * A scan file for the tests that need one but do not test the scan (poll --mqtt, serve …): the real
 * `bmeter scan` runs once per simulator URL in a test run, and every test gets its own copy in its own
 * folder. The scans are kept in .test-build/scans, which the test runner empties at every run, so the
 * test processes of one run share them (two processes that scan the same URL at once both write it
 * whole, by rename). Scan.test.ts, signals and port-holder keep their own real scans.
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

async function scanOnce(sim: string): Promise<string> {
  const file = join(FOLDER, `${createHash('sha256').update(sim).digest('hex').slice(0, 16)}.json`);
  if (existsSync(file)) return file;
  mkdirSync(FOLDER, { recursive: true });
  const own = `${file}.${process.pid}.tmp`;
  const scan = await runBmeter(['scan', '--port', sim, '--scan-file', own], { env: CREDENTIALS, cwd: FOLDER });
  assert.equal(scan.code, 0, describeRun(scan));
  renameSync(own, file);
  return file;
}

/**
 * Puts the scan file of `sim` (a sim:// URL) at `dir/name`; returns the `--port … --scan-file …`
 * arguments every later command needs.
 */
export async function scanned(dir: TempDir, sim: string, name = 'scan.json'): Promise<string[]> {
  assert.match(sim, /^sim:\/\//, 'a cached scan is for the in-process simulator only');
  let file = scans.get(sim);
  if (file === undefined) {
    file = scanOnce(sim);
    scans.set(sim, file);
    file.catch(() => scans.delete(sim));
  }
  const target = dir.file(name);
  copyFileSync(await file, target);
  chmodSync(target, 0o600); // as scan writes it: the file holds the PairID
  return ['--port', sim, '--scan-file', target];
}
