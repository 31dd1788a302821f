// Runs test files with node:test's run() in the order given (`node --test` would sort them by name),
// `concurrency` files at a time, each in its own process (which inherits this one's
// --enable-source-maps), and prints the spec report. Exits 1 when any test or file failed. Records how
// long each test file's tests took (summed top-level tests, by the file they are written in, also
// inside a shared process) for the next run's ordering (test-durations.mjs).
// Usage: node --enable-source-maps scripts/lib/run-test-files.mjs <root> <concurrency> <file.js>...
import { relative } from 'node:path';
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
const stream = run({ files, concurrency: Number(concurrency) });
stream.on('test:pass', record);
stream.on('test:fail', (data) => {
  record(data);
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => writeDurations(durationsFile(root), took));
