/**
 * plot's --out file is checked before the chart is drawn (checkChartFile, src/plot/write-out.ts): a file
 * that exists without --force, a folder at that name with --force, a folder that does not exist — each
 * refused with exit status 2 before the input is even read, and nothing in the folder changes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { BmeterError } from '../../src/errors.js';
import { runPlot, type PlotTarget } from '../../src/plot/plot.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

/** runPlot on an input that does not exist: an error about --out shows the file was checked first. */
function plotTo(dir: string, target: PlotTarget): Promise<unknown> {
  const source = { input: `${dir}/no-such-input.csv` };
  return runPlot({ source, target, nowMs: 0, nodeVersion: process.versions.node, pid: process.pid });
}

/** A BmeterError USAGE (exit 2) whose message matches. */
function usage(message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof BmeterError && err.code === 'USAGE' && message.test(err.message);
}

test('an --out file that exists is refused before the input is read, and kept', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('mine.svg'), 'my own file');
  await assert.rejects(
    plotTo(dir.path, { kind: 'svg', path: dir.file('mine.svg'), force: false }),
    usage(/mine\.svg already exists: give --force to replace it, or another name$/),
  );
  assert.equal(readFileSync(dir.file('mine.svg'), 'utf8'), 'my own file');
});

test('--force does not replace a folder, and an --out in a missing folder is refused, first', async (t) => {
  const dir = tempDirFor(t);
  mkdirSync(dir.file('charts.png'));
  await assert.rejects(
    plotTo(dir.path, { kind: 'png', path: dir.file('charts.png'), force: true }),
    usage(/--out .*charts\.png is a folder/),
  );
  await assert.rejects(
    plotTo(dir.path, { kind: 'svg', path: dir.file('nodir/x.svg'), force: false }),
    usage(/cannot write --out .*nodir\/x\.svg \(ENOENT\): check the folder exists and is writable$/),
  );
  assert.deepEqual(readdirSync(dir.path), ['charts.png']);
});

test('a new --out name in an existing folder passes on to the input (here: missing)', async (t) => {
  const dir = tempDirFor(t);
  await assert.rejects(
    plotTo(dir.path, { kind: 'svg', path: dir.file('new.svg'), force: false }),
    usage(/no-such-input\.csv/),
  );
  assert.deepEqual(readdirSync(dir.path), []);
});
