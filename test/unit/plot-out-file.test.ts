/**
 * plot's --out file is checked before the chart is drawn (checkChartFile, src/plot/write-out.ts): a file
 * that exists without --force, anything but a regular file, a folder that does not exist — each refused
 * with exit status 2 before the input is even read, and nothing in the folder changes. Then the write
 * itself (writeChartFile): a full disk removes what this run created, --force keeps the file's mode.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { BmeterError } from '../../src/errors.js';
import { runPlot, type PlotTarget } from '../../src/plot/plot.js';
import { writeChartFile, type WriteData } from '../../src/plot/write-out.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

/** runPlot on an input that does not exist: an error about --out shows the file was checked first. */
function plotTo(dir: string, target: PlotTarget): Promise<unknown> {
  const source = { input: `${dir}/no-such-input.csv` };
  return runPlot({ source, target, nowMs: 0, nodeVersion: process.versions.node, pid: process.pid, warn: () => {} });
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

test('without --force, a link, a dangling link or a folder is refused naming what it is, not "already exists"', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('real.svg'), 'mine');
  symlinkSync(dir.file('real.svg'), dir.file('link.svg'));
  symlinkSync(dir.file('gone.svg'), dir.file('dangling.svg'));
  mkdirSync(dir.file('folder.svg'));
  for (const [name, kind] of [
    ['link.svg', 'a symbolic link'],
    ['dangling.svg', 'a symbolic link'],
    ['folder.svg', 'a folder'],
  ] as const) {
    const refused = usage(new RegExp(`--out .*${name} is ${kind}: .*must be a regular file or not exist yet`));
    await assert.rejects(plotTo(dir.path, { kind: 'svg', path: dir.file(name), force: false }), refused);
    await assert.rejects(writeChartFile(dir.file(name), '<svg/>', false, 1), refused);
  }
  assert.equal(readFileSync(dir.file('real.svg'), 'utf8'), 'mine');
  assert.deepEqual(readdirSync(dir.path).sort(), ['dangling.svg', 'folder.svg', 'link.svg', 'real.svg']);
});

/** A write that lands the first half of the chart, then fails as write(2) does on a full disk. */
const fullDisk: WriteData = async (handle, data) => {
  const bytes = Buffer.from(data);
  await handle.write(bytes, 0, bytes.length >> 1);
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
};

/** A BmeterError WRITE_FAILED (exit 1, a runtime failure) whose message matches. */
function writeFailed(message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof BmeterError && err.exitCode === 1 && message.test(err.message);
}

test('a full disk removes the partial chart it created, exits 1 naming the cause, and a rerun may write', async (t) => {
  const dir = tempDirFor(t);
  const chart = `<svg>${'x'.repeat(1000)}</svg>`;
  await assert.rejects(
    writeChartFile(dir.file('big.svg'), chart, false, 7, fullDisk),
    writeFailed(
      /^cannot write --out .*big\.svg: no space left on the device \(ENOSPC\); the partial chart was removed — free some space, or give an --out on another disk$/,
    ),
  );
  assert.deepEqual(readdirSync(dir.path), []);
  await writeChartFile(dir.file('big.svg'), chart, false, 7);
  assert.equal(readFileSync(dir.file('big.svg'), 'utf8'), chart);
});

test("with --force, a full disk keeps the user's file as it was and leaves no temporary file", async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('mine.png'), 'my old chart');
  await assert.rejects(
    writeChartFile(dir.file('mine.png'), new Uint8Array(4096), true, 7, fullDisk),
    writeFailed(/no space left on the device \(ENOSPC\); the partial chart was removed; the existing file was kept/),
  );
  assert.deepEqual(readdirSync(dir.path), ['mine.png']);
  assert.equal(readFileSync(dir.file('mine.png'), 'utf8'), 'my old chart');
});

test('--force keeps the permission bits of the file it replaces, whatever the umask', async (t) => {
  const dir = tempDirFor(t);
  for (const mode of [0o600, 0o664, 0o640]) {
    writeFileSync(dir.file('chart.svg'), 'old');
    chmodSync(dir.file('chart.svg'), mode);
    await writeChartFile(dir.file('chart.svg'), '<svg/>', true, 7);
    assert.equal(readFileSync(dir.file('chart.svg'), 'utf8'), '<svg/>');
    assert.equal(statSync(dir.file('chart.svg')).mode & 0o7777, mode, mode.toString(8));
  }
  assert.deepEqual(readdirSync(dir.path), ['chart.svg']);
});
