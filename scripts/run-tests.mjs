#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner, fast: src/ and test/ are transpiled once with
// esbuild (no bundling, same folder layout) into .test-build/, test data files are copied beside them,
// and `node --test` runs the .js files. Starting a TypeScript loader in every test process cost about
// as much CPU as the tests themselves. Type errors are `npm run typecheck`'s job, not this script's.
//
// `npm test -- test/unit` runs one sub-folder; finding no test file is a failure, never a silent pass.
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { isTs, transpile, walk } from './lib/transpile.mjs';

// fileURLToPath, not .pathname: a checkout under "My Projects" or a Japanese folder name would be percent-encoded.
const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.test-build');
const only = process.argv.slice(2); // optional sub-folders or files, e.g. `npm test -- test/unit`

const targets = only.length > 0 ? only.map((d) => join(root, d)) : [join(root, 'test')];
const tests = targets.flatMap((t) =>
  statSync(t, { throwIfNoEntry: false })?.isFile() ? [t] : walk(t, (n) => n.endsWith('.test.ts')),
);
if (tests.length === 0 || !tests.every((t) => t.endsWith('.test.ts'))) {
  console.error(`no test files (*.test.ts) found under ${targets.map((t) => relative(root, t)).join(', ')}`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
await transpile({ dirs: [join(root, 'src'), join(root, 'test')], outdir: out, outbase: root, sourcemap: 'inline' });
// Data files the tests read beside their modules (the captures, …).
for (const file of walk(join(root, 'test'), (n) => !isTs(n))) {
  cpSync(file, join(out, relative(root, file)));
}

const SHARDS = Number(process.env.BMETER_TEST_SHARDS) || 3;
const compiled = tests.map((t) => join(out, relative(root, t)).replace(/\.ts$/, '.js'));

// The files that run bmeter in process (test/unit, test/integration) share a few node processes
// ("shards"): starting node and loading the modules again for each of them cost more CPU than their
// tests (all in one process: 14 s CPU instead of 31 s). Their tests run one after another inside a
// shard, as they would in their own file; a top-level hook of such a file is written to clean up after
// each test, which stays true in a shard. The files that spawn bmeter, a broker or a browser
// (test/e2e, test/browser) keep a process each, so their waits overlap.
const inProcess = (file) => /[\\/]test[\\/](unit|integration)[\\/]/.test(file);
const shared = compiled.filter(inProcess);
const own = compiled.filter((f) => !inProcess(f));
const shards = shared.length > 1 ? shardFiles(shared, Math.min(shared.length, SHARDS)) : shared;
// The longest runs first (the shards, then the biggest files), so the last to start are short.
const files = [...shards, ...own.sort((a, b) => statSync(b).size - statSync(a).size)];

// Two processes per core (BMETER_TEST_CONCURRENCY overrides it, e.g. 1 to debug): most e2e files spend
// their time waiting on spawned processes, ptys, a broker or a browser, so more processes than cores
// keep the cores busy. The simulator tests wait for what they expect, not for a fixed time, so a
// loaded machine only slows them. A real stick (BMETER_TEST_PORT, the e2e contract suite) has one
// port: one test file at a time.
const concurrency = process.env.BMETER_TEST_PORT
  ? 1
  : Number(process.env.BMETER_TEST_CONCURRENCY) || 2 * availableParallelism();
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

/**
 * Writes `count` shard entry files under .test-build/shards that import the given test files, balanced
 * by file size (largest first, each to the lightest shard); returns their paths.
 */
function shardFiles(files, count) {
  const bins = Array.from({ length: count }, () => ({ size: 0, files: [] }));
  const bySize = files.map((f) => ({ f, size: statSync(f).size })).sort((a, b) => b.size - a.size);
  for (const { f, size } of bySize) {
    const lightest = bins.reduce((a, b) => (b.size < a.size ? b : a));
    lightest.size += size;
    lightest.files.push(f);
  }
  const dir = join(out, 'shards');
  mkdirSync(dir, { recursive: true });
  return bins.map((bin, i) => {
    const entry = join(dir, `shard-${i + 1}.test.js`);
    const lines = bin.files.sort().map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};`);
    writeFileSync(entry, `${lines.join('\n')}\n`);
    return entry;
  });
}
