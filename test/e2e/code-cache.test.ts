/**
 * The V8 code caches of the bundles (dist/bmeter.cjs.cache and the library bundles' mqtt, serialport and
 * charts .cjs.cache, made by `npm run build`, read by bin/load-bundle.js): the build writes ones that this
 * Node accepts, and a cache that is missing, damaged, cut short, made for another bundle or refused by V8
 * changes nothing a user sees — bmeter compiles the bundle itself, silently — and bmeter never writes a
 * file of its own beside it. Each case runs on a copy of bin/ and dist/ in a temporary folder (node_modules
 * linked).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertBuilt, BIN, DIST_MAIN, REPO_ROOT } from './helpers/paths.js';
import { baseEnv } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CACHE = `${DIST_MAIN}.cache`;
const HEADER_BYTES = 64; // bin/load-bundle.js: the header, then the V8 data twice
const FRAME = '1081000102880105FF017201E704000004A8';

/** `bmeter decode FRAME` with the launcher at `bin`: exit status, stdout and stderr. */
function decode(bin: string): { status: number | null; stdout: string; stderr: string } {
  assertBuilt();
  const run = spawnSync(process.execPath, [bin, 'decode', FRAME], {
    env: baseEnv(),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of the built tree in `dir` whose cache file holds `cache` (none when undefined). */
function copyTree(dir: string, cache: Buffer | undefined): void {
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist'));
  for (const file of readdirSync(join(REPO_ROOT, 'bin')))
    copyFileSync(join(REPO_ROOT, 'bin', file), join(dir, 'bin', file));
  copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  copyFileSync(DIST_MAIN, join(dir, 'dist', 'bmeter.cjs'));
  if (cache !== undefined) writeFileSync(join(dir, 'dist', 'bmeter.cjs.cache'), cache);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
}

/** Every file under `dir` (node_modules left out: a recursive readdir follows that link), sorted. */
function filesUnder(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== 'node_modules');
  const inside = (name: string): string[] =>
    readdirSync(join(dir, name), { recursive: true, encoding: 'utf8' }).map((f) => join(name, f));
  return names.flatMap((e) => (e.isDirectory() ? [e.name, ...inside(e.name)] : [e.name])).sort();
}

test("the build's poll exercise (scripts/code-cache.mjs) reaches the stick's port: a cache and no warning", (t) => {
  // When bmeter refuses that run (its credentials, its scan file), the build only warns and ships a cache that
  // holds less of a start: this says so instead.
  assertBuilt();
  const dir = tempDirFor(t, 'bmeter-cc-');
  const out = join(dir.path, 'bmeter.cjs.cache');
  const run = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'scripts', 'code-cache.mjs'), DIST_MAIN, DIST_MAIN, out, 'poll'],
    { env: baseEnv(), encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.ok(readFileSync(out).length > HEADER_BYTES, 'a cache with V8 data');
});

for (const bundle of ['bmeter.cjs', 'mqtt.cjs', 'serialport.cjs', 'charts.cjs']) {
  test(`the build writes a code cache that this Node accepts for dist/${bundle}`, () => {
    assertBuilt();
    const file = join(REPO_ROOT, 'dist', bundle);
    const script = `
      const { compileBundle, readCache } = require(${JSON.stringify(join(REPO_ROOT, 'bin', 'load-bundle.js'))});
      const source = require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8');
      const data = readCache(${JSON.stringify(`${file}.cache`)}, source);
      const script = compileBundle(${JSON.stringify(file)}, source, data);
      console.log(JSON.stringify({ read: data !== undefined, rejected: script.cachedDataRejected }));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    const built = 'the bundles and their caches are built by the Node that runs the tests (npm test builds them first)';
    assert.deepEqual(JSON.parse(run.stdout), { read: true, rejected: false }, built);
  });
}

/** XORs the byte at `at` with `mask`. */
function flip(bytes: Buffer, at: number, mask: number): void {
  bytes.writeUInt8(bytes.readUInt8(at) ^ mask, at);
}

/** The cache file as the build wrote it, changed by each case below. */
function damaged(change: (file: Buffer, n: number) => Buffer | undefined): () => Buffer | undefined {
  return () => {
    const file = readFileSync(CACHE);
    return change(Buffer.from(file), (file.length - HEADER_BYTES) / 2);
  };
}

const CASES: [string, () => Buffer | undefined][] = [
  ['as the build wrote it', damaged((f) => f)],
  ['missing', () => undefined],
  // A changed byte in V8 data that V8 takes (its own checks are only the header) can crash node.
  [
    'damaged (bytes of the V8 data changed)',
    damaged((f, n) => {
      for (let i = 0; i < 64; i++) flip(f, HEADER_BYTES + Math.floor(n / 3) + i, 0x5a);
      return f;
    }),
  ],
  ['cut short', damaged((f) => f.subarray(0, f.length - 1000))],
  // The key (header bytes 20–51, after `bmeter-code-cache 1 `) of another build (test/unit/load-bundle.test.ts
  // shows what V8 would do with the cache of another bundle of the same length).
  ['of another build (another key)', damaged((f) => f.fill(0x30, 20, 52))],
  [
    'refused by V8 (made by another V8 version)',
    damaged((f, n) => {
      // Bytes 4–7 of V8's data are its version hash; both copies changed alike pass bmeter's own checks.
      for (const at of [HEADER_BYTES + 4, HEADER_BYTES + n + 4]) flip(f, at, 0xff);
      return f;
    }),
  ],
  ['not a cache at all', () => Buffer.from('garbage\n'.repeat(100))],
];

const expected = decode(BIN);

for (const [what, cache] of CASES) {
  test(`bmeter decode prints the same and writes no file, code cache ${what}`, (t) => {
    assert.equal(expected.status, 0, expected.stderr);
    const dir = tempDirFor(t, 'bmeter-cache-');
    copyTree(dir.path, cache());
    const before = filesUnder(dir.path);
    const run = decode(join(dir.path, 'bin', 'bmeter.js'));
    assert.deepEqual(run, expected);
    assert.deepEqual(filesUnder(dir.path), before, 'no file added or removed');
  });
}

test('a lone --version is answered without the bundle', (t) => {
  const dir = tempDirFor(t, 'bmeter-cache-');
  copyTree(dir.path, undefined);
  rmSync(join(dir.path, 'dist'), { recursive: true });
  const run = spawnSync(process.execPath, [join(dir.path, 'bin', 'bmeter.js'), '--version'], {
    env: baseEnv(),
    encoding: 'utf8',
    timeout: 20_000,
  });
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual([run.status, run.stdout, run.stderr], [0, `${version}\n`, '']);
});

test('a checkout never built says to run npm run build, with exit status 1 and no stack trace', (t) => {
  const dir = tempDirFor(t, 'bmeter-cache-');
  copyTree(dir.path, undefined);
  rmSync(join(dir.path, 'dist'), { recursive: true });
  const run = spawnSync(process.execPath, [join(dir.path, 'bin', 'bmeter.js'), 'decode', FRAME], {
    env: baseEnv(),
    encoding: 'utf8',
    timeout: 20_000,
  });
  const bundle = join(dir.path, 'dist', 'bmeter.cjs');
  const message = `bmeter: ${bundle} is missing: bmeter is not built — run \`npm run build\` in ${dir.path}\n`;
  assert.deepEqual([run.status, run.stdout, run.stderr], [1, '', message]);
});

test('a bundle cut short or no longer JavaScript says to run npm run build, with exit status 1 and no stack trace', (t) => {
  for (const [damage, why] of [
    [(code: string) => code.slice(0, 20_000), 'cut short: its last line is not its key'],
    [(code: string) => `garbage(\n${code.slice(code.lastIndexOf('// bmeter-cache-key'))}`, 'not JavaScript: '],
  ] as const) {
    const dir = tempDirFor(t, 'bmeter-cache-');
    copyTree(dir.path, undefined);
    const bundle = join(dir.path, 'dist', 'bmeter.cjs');
    writeFileSync(bundle, damage(readFileSync(DIST_MAIN, 'utf8')));
    const run = spawnSync(process.execPath, [join(dir.path, 'bin', 'bmeter.js'), 'decode', FRAME], {
      env: baseEnv(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.ok(run.stderr.startsWith(`bmeter: ${bundle} is damaged (${why}`), run.stderr);
    assert.ok(run.stderr.endsWith(` — run \`npm run build\` in ${dir.path}\n`), run.stderr);
    assert.equal(run.stderr.split('\n').length, 2, 'one line');
  }
});
