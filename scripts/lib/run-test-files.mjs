// Runs test files with node:test's run() in the order given (`node --test` would sort them by name),
// `concurrency` files at a time, each in its own process (which inherits this one's
// --enable-source-maps), and prints the spec report. Exits 1 when any test or file failed.
// Usage: node --enable-source-maps scripts/lib/run-test-files.mjs <concurrency> <file.js>...
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const [concurrency, ...files] = process.argv.slice(2);
const stream = run({ files, concurrency: Number(concurrency) });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
