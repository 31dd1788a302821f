/**
 * `npm test` never waits forever (a CI run once did, until its time limit, with no word of the cause):
 * - the exit watch that every test process imports last (scripts/lib/exit-watch.mjs): a test file that
 *   leaves something open (here a timer, a server) fails in one line naming the file and what holds its
 *   process; a file that closes what it opened ends as before;
 * - the runner's own deadline (scripts/lib/run-test-files.mjs, 15 min, here 1 s): a test that never ends
 *   ends the run with exit 1, naming its file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../fixtures/repo-root.js';
import { tempDirFor } from './helpers/temp-dir.js';

const WATCH = pathToFileURL(repoPath('scripts', 'lib', 'exit-watch.mjs')).href;

/** Runs `args` with node, stdout and stderr together; killed after 20 s. */
async function runNode(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += String(d)));
  child.stderr.on('data', (d: Buffer) => (output += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, output };
}

/**
 * Runs `body` as a node:test file of its own (not a child of this test runner: no NODE_TEST_CONTEXT) that ends
 * with the exit watch, given `graceMs`; its exit and output.
 */
async function runWatched(
  t: { after(fn: () => void): void },
  body: string,
  graceMs: number,
): Promise<{ code: number | null; output: string }> {
  const dir = tempDirFor(t, 'bmeter-watch-');
  const file = dir.file('leaky.test.mjs');
  writeFileSync(
    file,
    `import { test } from 'node:test';\nimport { watchExit } from ${JSON.stringify(WATCH)};\n${body}\n` +
      `watchExit(['test/unit/leaky.test.ts'], ${graceMs});\n`,
  );
  const { NODE_TEST_CONTEXT: _child, ...env } = process.env;
  return runNode([file], env);
}

test('a test file that leaves a timer and a server open fails naming the file and both, exit 1', async (t) => {
  const r = await runWatched(
    t,
    `import { createServer } from 'node:net';\n` +
      `test('leaves things open', async () => {\n` +
      `  setInterval(() => undefined, 1000);\n` +
      `  await new Promise((resolve) => createServer().listen(0, '127.0.0.1', resolve));\n` +
      `});`,
    200,
  );
  assert.equal(r.code, 1, r.output);
  assert.match(
    r.output,
    /test\/unit\/leaky\.test\.ts: the process is still running 0\.2 s after its last test, held by .*Timeout.*: a test left a server, socket, timer, pty or child process open\n/,
  );
  assert.match(r.output, /TCPServerWrap/);
});

test('a test file that closes what it opened ends with its tests, exit 0, without a word from the watch', async (t) => {
  const r = await runWatched(
    t,
    `test('closes its timer', () => {\n  const timer = setInterval(() => undefined, 1000);\n  clearInterval(timer);\n});`,
    // The grace of npm test: the process ends long before, however loaded the machine.
    30_000,
  );
  assert.equal(r.code, 0, r.output);
  assert.doesNotMatch(r.output, /still running/);
});

test('a test that never ends ends the run at its deadline with exit 1, naming the file', async (t) => {
  const dir = tempDirFor(t, 'bmeter-hang-');
  mkdirSync(join(dir.path, 'test', 'unit'), { recursive: true });
  const file = join(dir.path, 'test', 'unit', 'hangs.test.js');
  writeFileSync(
    file,
    `import { test } from 'node:test';\n` +
      `test('waits for nothing', () => new Promise(() => setInterval(() => undefined, 1000)));\n`,
  );
  const r = await runNode([repoPath('scripts', 'lib', 'run-test-files.mjs'), `${dir.path}/`, '1', file], {
    PATH: process.env['PATH'] ?? '',
    BMETER_TEST_RUN_TIMEOUT_MS: '1000',
  });
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /npm test: not ended after 1 s, the processes of: test\/unit\/hangs\.test\.ts\n/);
});
