/**
 * Files bmeter replaces whole (the scan file, the metrics textfile, plot --out --force) are never
 * renamed over something that is not a regular file: a FIFO, a symbolic link, a folder (and, for
 * root, a device node such as /dev/full) are refused and left as they were.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { BmeterError } from '../../src/errors.js';
import { assertReplaceable } from '../../src/fs/replaceable.js';
import { checkMetricsFile, writeAtomically } from '../../src/output/metrics/metrics-file.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const usage = (pattern: RegExp) => (err: unknown) =>
  err instanceof BmeterError && err.exitCode === 2 && pattern.test(err.message);

test('a missing name and a regular file may be replaced', async (t) => {
  const dir = tempDirFor(t);
  await assertReplaceable(dir.file('new.prom'), '--metrics-file');
  writeFileSync(dir.file('old.prom'), 'x');
  await assertReplaceable(dir.file('old.prom'), '--metrics-file');
});

test('a FIFO, a symbolic link and a folder are refused, naming what is there, and left untouched', async (t) => {
  const dir = tempDirFor(t);
  execFileSync('mkfifo', [dir.file('fifo')]);
  writeFileSync(dir.file('target'), 'keep');
  symlinkSync(dir.file('target'), dir.file('link'));
  mkdirSync(dir.file('folder'));
  await assert.rejects(writeAtomically(dir.file('fifo'), 'm 1\n'), usage(/--metrics-file .*fifo is a FIFO/));
  await assert.rejects(writeAtomically(dir.file('link'), 'm 1\n'), usage(/--metrics-file .*link is a symbolic link/));
  await assert.rejects(
    assertReplaceable(dir.file('folder'), 'the scan file'),
    usage(/the scan file .*folder is a folder/),
  );
  assert.ok(lstatSync(dir.file('fifo')).isFIFO());
  assert.equal(readlinkSync(dir.file('link')), dir.file('target'));
});

test('a metrics file in a folder that does not exist is refused at start (exit 2), naming the folder', async (t) => {
  const dir = tempDirFor(t);
  await assert.rejects(
    checkMetricsFile(dir.file('missing/bmeter.prom')),
    usage(/--metrics-file .*missing\/bmeter\.prom: folder .*missing does not exist or is not writable/),
  );
});

test('the metrics textfile keeps the permission bits it had when it is rewritten', async (t) => {
  const dir = tempDirFor(t);
  for (const mode of [0o600, 0o640, 0o664]) {
    writeFileSync(dir.file('bmeter.prom'), '# HELP bmeter_m m\nbmeter_m 0\n');
    chmodSync(dir.file('bmeter.prom'), mode);
    await writeAtomically(dir.file('bmeter.prom'), 'm 1\n');
    assert.equal(readFileSync(dir.file('bmeter.prom'), 'utf8'), 'm 1\n');
    assert.equal(statSync(dir.file('bmeter.prom')).mode & 0o7777, mode, mode.toString(8));
  }
});
