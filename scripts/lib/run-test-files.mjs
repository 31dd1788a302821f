// Runs test files with node:test's run() in the order given (`node --test` would sort them by name),
// `concurrency` files at a time, each in its own process (which inherits this one's
// --enable-source-maps), and prints the spec report. Exits 1 when any test or file failed. Records how
// long each test file's tests took (summed top-level tests, by the file they are written in, also
// inside a shared process) for the next run's ordering (test-durations.mjs).
// Usage: node --enable-source-maps scripts/lib/run-test-files.mjs <root> <concurrency> <file.js>...
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { durationsFile, writeDurations } from './test-durations.mjs';

const [root, concurrency, ...files] = process.argv.slice(2);
const took = new Map();
const record = (data) => {
  if (data.nesting !== 0 || data.file === undefined) return;
  // test/e2e/poll.test.ts (source-mapped) or .test-build/test/e2e/poll.test.js → test/e2e/poll.test.ts
  const path = relative(root, data.file)
    .replace(/^\.test-build[\\/]/, '')
    .replace(/\.js$/, '.ts');
  took.set(path, (took.get(path) ?? 0) + (data.details?.duration_ms ?? 0));
};
// A test that never ends fails after TIMEOUT_MS instead of holding the run (and CI) forever: node 20 and 22
// apply run()'s timeout to each test file's process as a whole, node 24 to each test; the longest file takes
// under a minute. A process that outlives its tests is exit-watch.mjs's to end. Whatever else keeps a test
// process from ending (a process it started holding the pipe to this one, on node 24 a hang between tests)
// ends the run after RUN_TIMEOUT_MS, naming the test files of the processes that had not ended.
const TIMEOUT_MS = 10 * 60_000;
// BMETER_TEST_RUN_TIMEOUT_MS sets it for the runner's own test (test/e2e/test-runner-hangs.test.ts).
const RUN_TIMEOUT_MS = Number(process.env.BMETER_TEST_RUN_TIMEOUT_MS) || 15 * 60_000;
const abort = new AbortController();
const running = new Set(files);
const stream = run({ files, concurrency: Number(concurrency), timeout: TIMEOUT_MS, signal: abort.signal });
stream.on('test:complete', (data) => {
  if (data.nesting === 0 && data.name === data.file) running.delete(data.file);
});
const watchdog = setTimeout(() => {
  const names = [...running].flatMap(testFilesOf).join(', ');
  process.stderr.write(`npm test: not ended after ${RUN_TIMEOUT_MS / 1000} s, the processes of: ${names}\n`);
  process.exitCode = 1;
  abort.abort();
}, RUN_TIMEOUT_MS);
watchdog.unref();
stream.on('test:pass', record);
stream.on('test:fail', (data) => {
  record(data);
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  clearTimeout(watchdog);
  writeDurations(durationsFile(root), took);
});

/** The test files (test/…/x.test.ts) an entry of run-tests.mjs imports, or the file itself when it imports none. */
function testFilesOf(entry) {
  let text = '';
  try {
    text = readFileSync(entry, 'utf8');
  } catch {
    // named as it is
  }
  const imported = [...text.matchAll(/^import "(file:[^"]+\.test\.js)";$/gm)].map((m) => fileURLToPath(m[1]));
  return (imported.length > 0 ? imported : [entry]).map((f) =>
    relative(root, f)
      .replace(/^\.test-build[\\/]/, '')
      .replace(/\.js$/, '.ts'),
  );
}
