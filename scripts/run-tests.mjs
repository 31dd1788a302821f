#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner, fast: src/ and test/ are transpiled once with
// esbuild (no bundling, same folder layout) into .test-build/, test data files are copied beside them,
// and `node --test` runs the .js files. Starting a TypeScript loader in every test process cost about
// as much CPU as the tests themselves. Type errors are `npm run typecheck`'s job, not this script's.
//
// `npm test -- test/unit` runs one sub-folder; finding no test file is a failure, never a silent pass.
import { cpSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

const compiled = tests.map((t) => join(out, relative(root, t)).replace(/\.ts$/, '.js'));
// Two test files per core (BMETER_TEST_CONCURRENCY overrides it, e.g. 1 to debug): most files spend
// their time waiting on spawned processes, ptys, a broker or a browser, so more files than cores keep
// the cores busy (2 cores: 73 s at 2 files, 47 s at 4, 41 s at 6, measured with `time npm test`). The
// simulator tests wait for what they expect, not for a fixed time, so a loaded machine only slows them.
// A real stick (BMETER_TEST_PORT, the e2e contract suite) has one port: one test file at a time.
const concurrency = process.env.BMETER_TEST_PORT
  ? 1
  : Number(process.env.BMETER_TEST_CONCURRENCY) || 2 * availableParallelism();
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...compiled],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
