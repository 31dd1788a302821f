#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner, fast: src/ and test/ are transpiled once with
// esbuild (no bundling, same folder layout) into .test-build/, test data files are copied beside them,
// and node's test runner runs the .js files (scripts/lib/run-test-files.mjs). Starting a TypeScript
// loader in every test process cost about as much CPU as the tests themselves. Type errors are
// `npm run typecheck`'s job, not this script's.
//
// `npm test -- test/unit` runs one sub-folder; finding no test file is a failure, never a silent pass.
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { isTs, transpile, walk } from './lib/transpile.mjs';
import { durationsFile, readDurations } from './lib/test-durations.mjs';
import { inputsStamp, outputsStamp, stampMatches, writeStamp } from './lib/inputs-stamp.mjs';

// fileURLToPath, not .pathname: a checkout under "My Projects" or a Japanese folder name would be percent-encoded.
const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.test-build');
const only = process.argv.slice(2); // optional sub-folders or files, e.g. `npm test -- test/unit`

// The counts set in the environment (used below), checked before anything is written.
const SHARDS_SET = countFromEnv('BMETER_TEST_SHARDS');
const CONCURRENCY_SET = countFromEnv('BMETER_TEST_CONCURRENCY');
// Paths as the user typed them: from the folder npm was started in (INIT_CWD), else this process's.
const from = process.env.INIT_CWD ?? process.cwd();
const targets = only.length > 0 ? [...new Set(only.map((d) => resolve(from, d)))] : [join(root, 'test')];
const missing = targets.filter((t) => !existsSync(t));
if (missing.length > 0) {
  console.error(`no such test file or folder: ${missing.map((t) => relative(root, t)).join(', ')} (e.g. test/unit)`);
  process.exit(1);
}
const tests = [
  ...new Set(
    targets.flatMap((t) =>
      statSync(t, { throwIfNoEntry: false })?.isFile() ? [t] : walk(t, (n) => n.endsWith('.test.ts')),
    ),
  ),
];
const notTests = tests.filter((t) => !t.endsWith('.test.ts'));
if (notTests.length > 0) {
  console.error(`not a test file (*.test.ts): ${notTests.map((t) => relative(root, t)).join(', ')}`);
  process.exit(1);
}
if (tests.length === 0) {
  console.error(`no test files (*.test.ts) found under ${targets.map((t) => relative(root, t)).join(', ')}`);
  process.exit(1);
}

// src/ and test/ as the last run transpiled them are kept while neither they nor what was made of them changed
// (the stamp of lib/inputs-stamp.mjs says so); what the runs write there (the shard entries, the shared scans)
// is made anew every run.
const stampFile = join(out, '.inputs');
const inputs = inputsStamp(
  root,
  ['src', 'test'],
  ['scripts/run-tests.mjs', 'scripts/lib/transpile.mjs', 'tsconfig.json', 'node_modules/.package-lock.json'],
);
const MADE_BY_RUNS = ['shards', 'scans'];
/** The stamp of these inputs and of .test-build as it is now (undefined when an input cannot be read). */
const stamp = () => inputs && `${inputs} ${outputsStamp(out, ['.inputs', ...MADE_BY_RUNS])}`;
if (stampMatches(stampFile, stamp())) {
  for (const made of MADE_BY_RUNS) rmSync(join(out, made), { recursive: true, force: true });
} else {
  rmSync(out, { recursive: true, force: true });
  await transpile({ dirs: [join(root, 'src'), join(root, 'test')], outdir: out, outbase: root, sourcemap: 'inline' });
  // Data files the tests read beside their modules (the captures, …).
  for (const file of walk(join(root, 'test'), (n) => !isTs(n))) {
    cpSync(file, join(out, relative(root, file)));
  }
  writeStamp(stampFile, stamp());
}
const compiled = tests.map((t) => join(out, relative(root, t)).replace(/\.ts$/, '.js'));

// The files that run bmeter in process (test/unit, test/integration) share a few node processes
// ("shards"): starting node and loading the modules again for each of them cost more CPU than their
// tests (all in one process: 14 s CPU instead of 31 s; three shards: 8.4 s, four: 8.8 s). Their tests
// run one after another inside a shard, as they would in their own file; a top-level hook of such a file
// cleans up after each test, which stays true in a shard. The files that spawn bmeter, a broker or a
// browser (test/e2e, test/browser) are packed too, a few to a process, without making the longest
// process longer: a pack holds files whose estimates sum to at most the longest single file's (first
// fit, longest first). Their waits then come one after another instead of side by side, which costs no
// time while the suite keeps the cores busy, and each pack saves a node process, its test runner and the
// helper modules (~0.1 s of CPU a file). The browser files (test/browser) always share one pack: there they
// share one Chromium and one load of playwright-core (~1 s of CPU saved per file). Files and shards start
// longest first (node's own `--test` would sort them by name):
// "longest" by the last run's durations (scripts/lib/test-durations.mjs), else by size (big files are
// long ones).
const inProcess = (file) => /[\\/]test[\\/](unit|integration)[\\/]/.test(file);
const inBrowser = (file) => /[\\/]test[\\/]browser[\\/]/.test(file);
const estimate = estimator(readDurations(durationsFile(root)));
/** The summed estimates of a list of `{ file, ms }`. */
const sum = (list) => list.reduce((ms, f) => ms + f.ms, 0);
const shared = compiled.filter(inProcess).map(estimate);
const spawning = compiled.filter((f) => !inProcess(f)).map(estimate);
const browsers = spawning.filter((f) => inBrowser(f.file));
// Two shards a core (BMETER_TEST_SHARDS overrides it): fewer would make a shard the last to end, more only
// cost CPU (~0.3 s a shard: node, its test runner and bmeter's modules again). Counting them from the last
// run's durations, which a loaded machine stretches, gave anything from 2 to 26 shards from run to run. The
// packs hold at most the longest file's estimate each.
const longest = Math.max(0, ...compiled.map((f) => estimate(f).ms));
const SHARDS = SHARDS_SET ?? 2 * availableParallelism();
const runs = [
  ...shardFiles('shard', shared, balanced(shared, Math.min(shared.length, SHARDS))),
  ...shardFiles('pack', spawning, [
    ...(browsers.length > 1 ? [browsers] : []),
    ...packed(
      spawning.filter((f) => !inBrowser(f.file)),
      longest,
    ),
  ]),
];
const files = runs.sort((a, b) => b.ms - a.ms).map((r) => r.file);

// Every shard and pack at once (BMETER_TEST_CONCURRENCY=n runs n at a time, e.g. 1 to debug): most of them
// spend much of their time waiting on spawned processes, ptys, a broker or a browser, so the cores stay busy
// (2 cores, `time npm test`: 19–22 s all at once, ~25 s six at a time). The simulator tests wait for what they
// expect, not for a fixed time, so a loaded machine only slows them. A real stick (BMETER_TEST_PORT, the e2e
// contract suite) has one port: one test file at a time.
const concurrency = process.env.BMETER_TEST_PORT ? 1 : (CONCURRENCY_SET ?? files.length);
// The test processes start without NODE_EXTRA_CA_CERTS: no test makes a TLS connection outside the
// machine, and reading that certificate file costs every node process ~40 ms of CPU where it is set
// (it is on this project's build machines: `node -e 0` takes 0.07 s of CPU with it, 0.03 s without).
const env = { ...process.env };
delete env['NODE_EXTRA_CA_CERTS'];
const runner = join(root, 'scripts', 'lib', 'run-test-files.mjs');
const result = spawnSync(process.execPath, ['--enable-source-maps', runner, root, String(concurrency), ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

/** The whole number ≥ 1 in the environment variable `name`, undefined when it is unset or empty; else the run ends. */
function countFromEnv(name) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (/^\s*\d+\s*$/.test(raw) && Number.isSafeInteger(n) && n >= 1) return n;
  console.error(`${name}=${raw} is refused: it must be a whole number from 1 up`);
  process.exit(1);
}

/**
 * A function from a compiled test file to `{ file, ms }`: its last measured duration, or for a file
 * never measured its size times the measured files' ms per byte (1 when none was measured).
 */
function estimator(durations) {
  const source = (file) => relative(out, file).replace(/\.js$/, '.ts');
  const size = (file) => statSync(file).size;
  let ms = 0;
  let bytes = 0;
  for (const file of compiled) {
    const known = durations.get(source(file));
    if (known === undefined) continue;
    ms += known;
    bytes += size(file);
  }
  const perByte = bytes > 0 ? ms / bytes : 1;
  return (file) => ({ file, ms: durations.get(source(file)) ?? size(file) * perByte });
}

/** `list` in `count` bins balanced by estimate (longest first, each to the bin with the least). */
function balanced(list, count) {
  const bins = Array.from({ length: count }, () => []);
  for (const f of [...list].sort((a, b) => b.ms - a.ms)) bins.reduce((a, b) => (sum(b) < sum(a) ? b : a)).push(f);
  return bins;
}

/** `list` in bins of at most `cap` ms of estimates each (first fit, longest first): the packs of more than one. */
function packed(list, cap) {
  const bins = [];
  for (const f of [...list].sort((a, b) => b.ms - a.ms)) {
    const fits = bins.find((bin) => sum(bin) + f.ms <= cap);
    if (fits === undefined) bins.push([f]);
    else fits.push(f);
  }
  return bins.filter((bin) => bin.length > 1);
}

/**
 * Writes an entry file under .test-build/shards for each bin of `bins` (named `name`-1, -2, …), and for each
 * file of `list` in no bin, that imports its test files and then the exit watch (lib/exit-watch.mjs: a
 * process some test left a handle open in fails, naming its files, instead of never ending); returns them
 * with their summed estimates.
 */
function shardFiles(name, list, bins) {
  const dir = join(out, 'shards');
  mkdirSync(dir, { recursive: true });
  const inBins = new Set(bins.flat().map((f) => f.file));
  const all = [...bins, ...list.filter((f) => !inBins.has(f.file)).map((f) => [f])];
  const watch = pathToFileURL(join(root, 'scripts', 'lib', 'exit-watch.mjs')).href;
  return all.map((bin, i) => {
    const file = join(dir, `${name}-${i + 1}.test.js`);
    const files = bin.map((f) => f.file).sort();
    const lines = [
      ...files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};`),
      `import { watchExit } from ${JSON.stringify(watch)};`,
      `watchExit(${JSON.stringify(files.map((f) => relative(out, f).replace(/\.js$/, '.ts')))});`,
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    return { file, ms: sum(bin) };
  });
}
