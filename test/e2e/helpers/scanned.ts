/**
 * A scan file for the tests that need one but do not test the scan (poll --mqtt, serve …): the real
 * `bmeter scan` runs once per simulator URL in a test process, and every test gets its own copy in
 * its own folder. The scan is the same command the user runs; repeating it for each test only cost
 * a process start (scan.test.ts, signals and port-holder keep their own real scans).
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../../src/sim/options.js';
import { describeRun, runBmeter } from './run-bmeter.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };

/** Simulator URL → the scan file made for it (in a folder removed when the process exits). */
const scans = new Map<string, Promise<string>>();
let folder: TempDir | undefined;
let made = 0;

async function scanOnce(sim: string): Promise<string> {
  if (folder === undefined) {
    const dir = makeTempDir('bmeter-scans-');
    process.once('exit', () => dir.remove());
    folder = dir;
  }
  const file = folder.file(`scan-${(made += 1)}.json`);
  const scan = await runBmeter(['scan', '--port', sim, '--scan-file', file], { env: CREDENTIALS, cwd: folder.path });
  assert.equal(scan.code, 0, describeRun(scan));
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
    file.catch(() => scans.delete(sim)); // a failed scan is tried again by the next test
  }
  const target = dir.file(name);
  copyFileSync(await file, target);
  chmodSync(target, 0o600); // as scan writes it: the file holds the PairID
  return ['--port', sim, '--scan-file', target];
}
