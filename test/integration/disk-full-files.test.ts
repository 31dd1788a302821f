/**
 * The files bmeter writes whole (the scan file, the Prometheus textfile) on a full disk: a fault of the machine,
 * so exit 1 (WRITE_FAILED) with the cause and what to do, the file there before kept, no temp file left. A chart
 * on a full disk: test/e2e/plot-cli.test.ts. A real tmpfs filled to its last byte (root only; skipped with the
 * reason elsewhere).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BmeterError } from '../../src/errors.js';
import { writeAtomically } from '../../src/output/metrics/metrics-file.js';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { smallTmpfs } from '../fixtures/small-tmpfs.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';

/** A 64 KiB tmpfs holding `before` in `name`, then filled to its last byte: its folder, or why there is none. */
function fullDisk(t: { after(fn: () => void): void }, name: string, before: string): { dir: string } | string {
  const disk = smallTmpfs(t, 64, 'no other test covers these two files');
  if (typeof disk === 'string') return disk;
  writeFileSync(join(disk.dir, name), before);
  try {
    writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(128 * 1024));
  } catch {
    // ENOSPC: the disk is full now, as wanted
  }
  return disk;
}

/** What, its file's name, the write, the advice in the error, the file there before. */
const CASES: [string, string, (path: string) => Promise<unknown>, string, string][] = [
  [
    'the scan file',
    'bmeter.scan.json',
    (path) => writeScanFile(path, SCAN_RESULT),
    'the scan file there before, if any, is kept — free some space, or choose another with --scan-file',
    'before\n',
  ],
  [
    'the metrics file',
    'bmeter.prom',
    (path) => writeAtomically(path, `# a textfile\n${'bmeter_up 1\n'.repeat(400)}`),
    'the textfile there before, if any, is kept — free some space, or name another --metrics-file',
    '# HELP bmeter_up an earlier run\nbmeter_up 1\n', // only a textfile bmeter wrote is replaced
  ],
];

for (const [what, name, write, advice, before] of CASES) {
  test(`${what} on a full disk: exit 1 naming the cause, the file before kept, no temp file left`, async (t) => {
    const disk = fullDisk(t, name, before);
    if (typeof disk === 'string') return t.skip(disk);
    const path = join(disk.dir, name);
    await assert.rejects(write(path), (err: unknown) => {
      assert.ok(err instanceof BmeterError);
      assert.equal(err.code, 'WRITE_FAILED');
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, `cannot write ${what} ${path}: no space left on the device (ENOSPC); ${advice}`);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), before);
    assert.deepEqual(readdirSync(disk.dir).sort(), [name, 'filler'].sort(), 'no temp file left');
  });
}
