/** What every bench case needs: the measured tree, its launcher, a temp dir, the environment. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simModules } from './sim-host.js';

export interface BenchContext {
  /** The tree measured: holds bin/bmeter.js and dist/ (BENCH_ROOT, default the checkout). */
  root: string;
  bin: string;
  tmp: string;
  scanFile: string;
  /** Environment for spawned bmeter: the simulator's demo credentials, the scan file, no config. */
  env: NodeJS.ProcessEnv;
  /** Repetitions of cheap measurements. */
  runs: number;
  log: (message: string) => void;
}

export async function createContext(root: string, runs: number): Promise<BenchContext> {
  const mods = await simModules(root);
  const tmp = mkdtempSync(join(tmpdir(), 'bmeter-bench-'));
  const scanFile = join(tmp, 'bmeter.scan.json');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: tmp,
    BMETER_ROUTEB_ID: mods.SIM_DEMO_ROUTEB_ID,
    BMETER_ROUTEB_PASSWORD: mods.SIM_DEMO_PASSWORD,
    BMETER_SCAN_FILE: scanFile,
  };
  return {
    root,
    bin: join(root, 'bin', 'bmeter.js'),
    tmp,
    scanFile,
    env,
    runs,
    log: (message) => process.stderr.write(`[bench] ${message}\n`),
  };
}

/** Throws with the tail of stderr when a spawned run failed (never prints the environment). */
export function expectOk(what: string, run: { code: number | null; stderr: string }): void {
  if (run.code === 0) return;
  const tail = run.stderr.trim().split('\n').slice(-8).join('\n');
  throw new Error(`${what} exited with ${run.code}:\n${tail}`);
}
