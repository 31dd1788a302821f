import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../src/fs/process-alive.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

/** A /proc of the test's own, where `pid`'s stat says `state`; comm with a space and a parenthesis, as Linux allows. */
function procWith(dir: string, pid: number, state: string): string {
  mkdirSync(join(dir, String(pid)), { recursive: true });
  writeFileSync(join(dir, String(pid), 'stat'), `${pid} (node (x) y) ${state} 1 ${pid} ${pid} 0 -1 4194560\n`);
  return dir;
}

test('a process that runs is alive; a zombie (killed, not yet reaped) counts as gone', (t) => {
  const dir = tempDirFor(t);
  assert.equal(isProcessAlive(process.pid, procWith(dir.file('running'), process.pid, 'S')), true);
  assert.equal(isProcessAlive(process.pid, procWith(dir.file('zombie'), process.pid, 'Z')), false);
  // No stat to read (no /proc on this system): signal 0 decides.
  assert.equal(isProcessAlive(process.pid, dir.file('none')), true);
});

test('a PID no process has is gone', () => {
  // PIDs never exceed 2^22 on Linux (pid_max); this one cannot exist.
  assert.equal(isProcessAlive(2 ** 30), false);
});
