/**
 * `bmeter simulate --pty PATH` never destroys a user's file: socat would unlink whatever is at
 * PATH (or PATH.sim), so an existing path is refused (exit 2, naming it) and left as it was, a
 * second simulator on the same PATH is refused, and on exit only what the simulator made goes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { runBmeter } from './helpers/run-bmeter.js';
import { startPtySimulator } from './helpers/simulator.js';
import { tempDirFor } from './helpers/temp-dir.js';

test('a regular file at the --pty path is refused with exit 2 naming it, and left untouched', async (t) => {
  const dir = tempDirFor(t, 'bmeter-claim-');
  const path = dir.file('ttyUSB0');
  writeFileSync(path, 'my notes\n');
  const r = await runBmeter(['simulate', '--pty', path], { cwd: dir.path, timeoutMs: 15_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `bmeter: ${path} already exists (a file) — bmeter simulate --pty never replaces a file: choose a path that does not exist\n`,
  );
  assert.equal(readFileSync(path, 'utf8'), 'my notes\n');
  assert.deepEqual(readdirSync(dir.path), ['ttyUSB0']);
});

test('a symbolic link at PATH.sim (not made by a simulator) is refused too, and kept', async (t) => {
  const dir = tempDirFor(t, 'bmeter-claim-');
  const path = dir.file('tty');
  symlinkSync('/dev/null', `${path}.sim`);
  const r = await runBmeter(['simulate', '--pty', path], { cwd: dir.path, timeoutMs: 15_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /tty\.sim already exists \(a symbolic link\)/);
  assert.ok(lstatSync(`${path}.sim`).isSymbolicLink());
  assert.equal(existsSync(path), false);
});

test('a second simulator on the same path is refused while the first keeps serving; on exit the first removes only its own', async (t) => {
  const dir = tempDirFor(t, 'bmeter-claim-');
  const path = dir.file('tty');
  writeFileSync(dir.file('keep.txt'), 'x');
  const first = await startPtySimulator(path, ['--time-scale', '0.001']);
  let stopped = false;
  t.after(async () => {
    if (!stopped) await first.stop();
  });
  const second = await runBmeter(['simulate', '--pty', path], { cwd: dir.path, timeoutMs: 15_000 });
  assert.equal(second.code, 2, second.stderr);
  assert.equal(
    second.stderr,
    `bmeter: ${path} is served by another bmeter simulate (pid ${first.process.pid}) — stop it or choose another --pty path\n`,
  );
  assert.ok(lstatSync(path).isSymbolicLink(), "the first simulator's link is still there");
  await first.stop();
  stopped = true;
  assert.deepEqual(readdirSync(dir.path), ['keep.txt']);
});
