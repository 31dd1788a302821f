/**
 * What a start loads (BENCHMARKS.md, "What changed for a fast start"): Node's builtins cost time as they
 * load, so those a command does not use stay unloaded. commander requires node:child_process only to
 * spawn executable subcommands, which bmeter has none of: the bundle gives it a stand-in that loads the
 * module on first use (scripts/bundle.mjs). (--help loads every command module, the simulator's too,
 * which spawns socat and so loads child_process itself.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { assertBuilt, BIN } from './helpers/paths.js';
import { baseEnv } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

/** The builtins loaded by the end of a `bmeter <args>` run (process.moduleLoadList, by a preload in `dir`). */
function builtinsAfter(dir: string, args: string[]): string[] {
  assertBuilt();
  const probe = `${dir}/probe.cjs`;
  writeFileSync(
    probe,
    "process.on('exit', () => console.error('BUILTINS ' + JSON.stringify(process.moduleLoadList)));",
  );
  const run = spawnSync(process.execPath, ['--require', probe, BIN, ...args], {
    env: baseEnv(),
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const line = run.stderr.split('\n').find((l) => l.startsWith('BUILTINS ')) ?? 'BUILTINS []';
  return (JSON.parse(line.slice('BUILTINS '.length)) as string[]).filter((m) => m.startsWith('NativeModule '));
}

test('bmeter decode loads no node:child_process', (t) => {
  const dir = tempDirFor(t, 'bmeter-start-');
  const loaded = builtinsAfter(dir.path, ['decode', '1081000102880105FF017201E704000004A8']);
  assert.ok(loaded.includes('NativeModule vm'), 'the probe saw the builtins the launcher loads');
  assert.ok(!loaded.includes('NativeModule child_process'), loaded.join(', '));
});
