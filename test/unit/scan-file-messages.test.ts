/**
 * What poll, history and serve say about a scan file they cannot use: one line, and advice that matches what
 * `bmeter scan` will do — "run `bmeter scan` again" only for a file scan rewrites (a scan file, even damaged,
 * empty or cut short); for anything else, that it is not a scan file and to check --scan-file.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isBmeterError } from '../../src/errors.js';
import { prepareScanFileFolder, readScanFile } from '../../src/scan/scan-file.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';
import { runProgram } from '../fixtures/run-program.js';

const AGAIN = 'Run `bmeter scan` again to rewrite it.';

/** readScanFile's message for a file holding `content`, and the file's path. */
async function readError(dir: string, content: string, name = 'scan.json'): Promise<{ message: string; path: string }> {
  const path = join(dir, name);
  await writeFile(path, content);
  try {
    await readScanFile(path);
  } catch (err) {
    assert.ok(isBmeterError(err, 'BAD_SCAN_FILE'), String(err));
    assert.equal(err.exitCode, 2);
    return { message: err.message, path };
  }
  assert.fail('the scan file was accepted');
}

test('an incomplete scan file is one line naming the first missing keys', async (t) => {
  const dir = tempDirFor(t).path;
  const { message, path } = await readError(dir, '{"version":1,"scannedAt":"x"}');
  assert.equal(
    message,
    `scan file ${path} is not valid: scannedAt must be a date and time with its offset, e.g. 2024-05-01T09:00:00+09:00; ` +
      `missing dialect, firmware, channel and 8 more keys. ${AGAIN}`,
  );
  const empty = await readError(dir, '{}');
  assert.equal(
    empty.message,
    `scan file ${empty.path} is incomplete: missing version, scannedAt, dialect and 10 more keys. ${AGAIN}`,
  );
});

test('a file cut short or empty is rewritten by a scan, and said without quoting its text', async (t) => {
  const dir = tempDirFor(t).path;
  const cut = await readError(dir, '{\n  "version": 1,\n  "pairId": "SECRET12');
  assert.equal(cut.message, `scan file ${cut.path} is cut short (not valid JSON). ${AGAIN}`);
  const empty = await readError(dir, ' \n');
  assert.equal(empty.message, `scan file ${empty.path} is empty. ${AGAIN}`);
});

test('a file that is no scan file says so and to check --scan-file', async (t) => {
  const dir = tempDirFor(t).path;
  const csv = await readError(dir, 'a,b\n1,2\n', 'p2.csv');
  assert.equal(
    csv.message,
    `${csv.path} is not a scan file (its first line is "a,b"): check --scan-file or BMETER_SCAN_FILE, ` +
      'or run `bmeter scan` with another --scan-file (it will not replace this file)',
  );
  const pkg = await readError(dir, '{"name":"x","version":"1.0.0","private":true,"type":"module"}', 'package.json');
  assert.match(
    pkg.message,
    /is not a scan file \(a JSON object with the keys "name", "version", "private", …\): check/,
  );
});

test('the advice to scan again is given exactly for the files scan would replace', async (t) => {
  const dir = tempDirFor(t).path;
  const contents = [
    'a,b\n',
    '',
    '{"version": 1,',
    '{}',
    '[1]',
    '"text"',
    '{"version":1,"scannedAt":"x"}',
    '{"version":2,"scannedAt":"2030-01-01T00:00:00+09:00","meters":[]}',
    '{"name":"x","version":"1.0.0"}',
    '# notes\n{"version": 1}',
  ];
  for (const [i, content] of contents.entries()) {
    const { message, path } = await readError(dir, content, `f${i}.json`);
    const scanRewrites = await prepareScanFileFolder(path).then(
      () => true,
      (err: unknown) => {
        assert.ok(isBmeterError(err, 'USAGE'), String(err));
        return false;
      },
    );
    assert.equal(message.endsWith(AGAIN), scanRewrites, `${JSON.stringify(content)}: ${message}`);
    assert.equal(message.includes('is not a scan file'), !scanRewrites, JSON.stringify(content));
    assert.ok(!message.includes('\n'), `one line: ${message}`);
  }
});

test('bmeter poll --scan-file of a CSV exits 2 with the one line', async (t) => {
  const dir = tempDirFor(t).path;
  await writeFile(join(dir, 'p2.csv'), 'a,b\n');
  const run = await runProgram(['poll', '--port', 'sim://', '--scan-file', 'p2.csv'], { cwd: dir, simUrl: 'sim://' });
  assert.equal(run.code, 2);
  assert.equal(
    run.stderr,
    `bmeter: ${join(dir, 'p2.csv')} is not a scan file (its first line is "a,b"): check --scan-file or ` +
      'BMETER_SCAN_FILE, or run `bmeter scan` with another --scan-file (it will not replace this file)\n',
  );
});
