/**
 * The test runner (scripts/run-tests.mjs) refuses what it cannot run with one line and exit 1, before it
 * touches .test-build (which the running suite is using): a test path that does not exist, a folder without
 * tests, a file that is not a test, and a shard or concurrency count that is not a whole number from 1 up
 * (checked first: the cases give a missing path too, so that a runner that let a count through would still
 * stop before writing anything).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repoPath } from '../fixtures/repo-root.js';

function runner(args: string[], env: Record<string, string> = {}): { code: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [repoPath('scripts', 'run-tests.mjs'), ...args], {
    cwd: repoPath(),
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: run.status, stderr: run.stderr };
}

const CASES: [string, string[], Record<string, string>, string][] = [
  ['a folder that does not exist', ['test/nope'], {}, 'no such test file or folder: test/nope (e.g. test/unit)\n'],
  [
    'a test file that does not exist',
    ['test/unit/nope.test.ts'],
    {},
    'no such test file or folder: test/unit/nope.test.ts (e.g. test/unit)\n',
  ],
  ['a folder without tests', ['test/fixtures/plot'], {}, 'no test files (*.test.ts) found under test/fixtures/plot\n'],
  ['a file that is not a test', ['README.md'], {}, 'not a test file (*.test.ts): README.md\n'],
  [
    'a shard count below 1',
    ['test/nope'],
    { BMETER_TEST_SHARDS: '-1' },
    'BMETER_TEST_SHARDS=-1 is refused: it must be a whole number from 1 up\n',
  ],
  [
    'a concurrency that is not a number',
    ['test/nope'],
    { BMETER_TEST_CONCURRENCY: 'abc' },
    'BMETER_TEST_CONCURRENCY=abc is refused: it must be a whole number from 1 up\n',
  ],
  [
    'a fractional shard count',
    ['test/nope'],
    { BMETER_TEST_SHARDS: '0.5' },
    'BMETER_TEST_SHARDS=0.5 is refused: it must be a whole number from 1 up\n',
  ],
];

for (const [what, args, env, message] of CASES) {
  test(`the test runner refuses ${what} in one line, exit 1`, () => {
    const run = runner(args, env);
    assert.deepEqual([run.code, run.stderr], [1, message]);
  });
}
