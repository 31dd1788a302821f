/**
 * The suite's target (helpers/target.ts) scanned for a poll test: the port for one test, the scan
 * file for it, and on the simulator a config file with short timeouts. On a stick every test runs the
 * real `bmeter scan` (a pty or a stick: the cached sim:// scan of helpers/scanned.ts cannot stand in);
 * on the simulator the first test with given simulator options does, and the later ones get a copy
 * of its scan file (scanned.ts scannedPty). Used by poll-recovery.test.ts and poll-process.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describeRun, runBmeter } from './run-bmeter.js';
import { scannedPty } from './scanned.js';
import { TARGET, type TestPort } from './target.js';
import type { TempDir } from './temp-dir.js';

/**
 * Short waits keep the simulator runs fast: a dropped reply is retried after 0.4 s (`responseMs`: the
 * simulator answers within milliseconds, a loaded machine may take longer), a join given 5 s, a rejected
 * join retried after 0.2 s. A real meter gets the defaults (a join can take ~40 s, docs/protocol.md §3.8).
 */
export function configArgs(dir: TempDir, responseMs = 400): string[] {
  if (TARGET.kind !== 'simulator') return [];
  const path = dir.file('bmeter.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      timeouts: { responseMs, joinMs: 5000, joinBackoffMs: 200 },
      retries: { join: 1, request: 2 },
    }),
    { mode: 0o600 },
  );
  return ['--config', path];
}

/**
 * The port of one test (stopped when it ends) with its scan file; `common` are the arguments every
 * command needs (--port, --scan-file, --config with `responseMs`, see configArgs). Throws (an assertion
 * error with the run) when the real scan fails.
 */
export async function scannedTarget(
  t: { after(fn: () => unknown): void },
  dir: TempDir,
  simArgs: string[] = [],
  responseMs?: number,
): Promise<{ port: TestPort; common: string[] }> {
  const port = await TARGET.port(dir, simArgs);
  t.after(() => port.stop());
  const scanFile = dir.file('scan.json');
  const common = ['--port', port.path, '--scan-file', scanFile, ...configArgs(dir, responseMs)];
  const scan = async (): Promise<void> => {
    const run = await runBmeter(['scan', ...TARGET.scanArgs, ...common], {
      env: TARGET.credentials,
      cwd: dir.path,
      timeoutMs: TARGET.ms(30_000),
    });
    assert.equal(run.code, 0, describeRun(run));
  };
  await (TARGET.kind === 'simulator' ? scannedPty(simArgs, scanFile, scan) : scan());
  return { port, common };
}

/** Polls `cond` every 20 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
