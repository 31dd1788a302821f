/**
 * The suite's target (helpers/target.ts) scanned for a poll test: the port for one test, the real
 * `bmeter scan` on it (a pty or a stick: the cached sim:// scan of helpers/scanned.ts cannot stand
 * in), and on the simulator a config file with short timeouts. Used by poll-recovery.test.ts and
 * poll-process.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describeRun, runBmeter } from './run-bmeter.js';
import { TARGET, type TestPort } from './target.js';
import type { TempDir } from './temp-dir.js';

/**
 * Short waits keep the simulator runs fast: a dropped reply is retried after 0.4 s (the simulator
 * answers within milliseconds), a join given 5 s, a rejected join retried after 0.2 s. A real meter
 * gets the defaults (a join can take ~40 s, docs/protocol.md §3.8).
 */
export function configArgs(dir: TempDir): string[] {
  if (TARGET.kind !== 'simulator') return [];
  const path = dir.file('bmeter.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      timeouts: { responseMs: 400, joinMs: 5000, joinBackoffMs: 200 },
      retries: { join: 1, request: 2 },
    }),
    { mode: 0o600 },
  );
  return ['--config', path];
}

/** The port of one test (stopped when it ends), scanned; `common` are the arguments every command needs. */
export async function scannedTarget(
  t: { after(fn: () => unknown): void },
  dir: TempDir,
  simArgs: string[] = [],
): Promise<{ port: TestPort; common: string[] }> {
  const port = await TARGET.port(dir, simArgs);
  t.after(() => port.stop());
  const common = ['--port', port.path, '--scan-file', dir.file('scan.json'), ...configArgs(dir)];
  const scan = await runBmeter(['scan', ...TARGET.scanArgs, ...common], {
    env: TARGET.credentials,
    cwd: dir.path,
    timeoutMs: TARGET.ms(30_000),
  });
  assert.equal(scan.code, 0, describeRun(scan));
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
