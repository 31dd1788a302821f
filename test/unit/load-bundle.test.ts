/**
 * bin/load-bundle.js, which runs the bundle with its V8 code cache, on small hand-written bundles in a
 * temporary folder: the cache is used only for the bundle it was made for and only when whole, stack
 * traces keep the bundle's own line:column, and the bundle's rewritten import() calls load modules.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type { Script } from 'node:vm';
import { repoPath } from '../fixtures/repo-root.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

interface BundleLoader {
  loadBundle(filename: string): Record<string, unknown>;
  makeCodeCache(filename: string, source: string, exercise?: (exports: unknown) => Promise<void>): Promise<Buffer>;
  compileBundle(filename: string, source: string, cachedData: Buffer | undefined): Script;
  readCache(cachePath: string, source: string): Buffer | undefined;
}
const loader = createRequire(import.meta.url)(repoPath('bin', 'load-bundle.js')) as BundleLoader;

/** A bundle as scripts/bundle.mjs ends one: the code, then its key line. */
function bundleSource(code: string, key: string): string {
  return `${code}\n// bmeter-cache-key: ${key}\n`;
}

/** Writes the bundle and the cache the build would make for it; returns the bundle's path. */
async function writeBundle(dir: string, name: string, source: string): Promise<string> {
  const file = `${dir}/${name}`;
  writeFileSync(file, source);
  writeFileSync(`${file}.cache`, await loader.makeCodeCache(file, source));
  return file;
}

test('a cache is used for its own bundle only, even when another bundle has the same length', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  const one = bundleSource('exports.answer = 1111;', 'a'.repeat(32));
  const two = bundleSource('exports.answer = 2222;', 'b'.repeat(32));
  assert.equal(one.length, two.length, 'V8 itself would take the cache of one for the other');
  const file = await writeBundle(dir.path, 'one.cjs', one);
  const data = loader.readCache(`${file}.cache`, one);
  assert.ok(data !== undefined);
  assert.equal(loader.compileBundle(file, one, data).cachedDataRejected, false, 'V8 accepts it for its bundle');
  assert.equal(loader.readCache(`${file}.cache`, two), undefined, 'another key: not used');
  writeFileSync(file, two);
  assert.equal(loader.loadBundle(file).answer, 2222);
  // What the key prevents, and proof the launcher uses a cache it accepts: one's cache given under the key of
  // three (a source this process never compiled, so V8 cannot take it from its in-memory cache) runs one's code.
  const three = bundleSource('exports.answer = 3333;', 'f'.repeat(32));
  const forged = `${dir.path}/three.cjs`;
  writeFileSync(forged, three);
  writeFileSync(
    `${forged}.cache`,
    readFileSync(`${file}.cache`, 'latin1').replace('a'.repeat(32), 'f'.repeat(32)),
    'latin1',
  );
  assert.equal(loader.loadBundle(forged).answer, 1111);
});

test('what the build exercises before making the cache is compiled from the cache, not from the source', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  const one = bundleSource('exports.answer = () => 1111;', 'a'.repeat(32));
  const file = `${dir.path}/one.cjs`;
  writeFileSync(file, one);
  const exercise = async (exports: unknown): Promise<void> => void (exports as { answer: () => number }).answer();
  const cache = await loader.makeCodeCache(file, one, exercise);
  // The same trick as above: one's cache under the key of a same-length bundle this process never compiled.
  // answer() ran before the cache was made, so its code comes from the cache: 1111, not 4444.
  const four = `${dir.path}/four.cjs`;
  writeFileSync(four, bundleSource('exports.answer = () => 4444;', 'f'.repeat(32)));
  writeFileSync(`${four}.cache`, cache.toString('latin1').replace('a'.repeat(32), 'f'.repeat(32)), 'latin1');
  assert.equal((loader.loadBundle(four).answer as () => number)(), 1111);
});

test('a cache with one byte changed, cut short or without a key line on the bundle is not used', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  const source = bundleSource('exports.x = [1, 2, 3].map((n) => n * 2);', 'c'.repeat(32));
  const file = await writeBundle(dir.path, 'b.cjs', source);
  const whole = readFileSync(`${file}.cache`);
  const n = (whole.length - 64) / 2;
  const flipped = Buffer.from(whole);
  const at = 64 + Math.floor(n / 2); // in the first copy of the V8 data: the two copies differ
  flipped.writeUInt8(flipped.readUInt8(at) ^ 0x20, at);
  for (const [what, bytes] of [
    ['one byte changed', flipped],
    ['cut short', whole.subarray(0, whole.length - 8)],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    writeFileSync(`${file}.cache`, bytes);
    assert.equal(loader.readCache(`${file}.cache`, source), undefined, what);
  }
  assert.equal(loader.readCache(`${file}.cache`, 'exports.x = 1;\n'), undefined, 'a bundle without key line');
  assert.equal(loader.readCache(`${dir.path}/none.cache`, source), undefined, 'no cache file');
});

test('stack traces name the bundle with its own line and column, with and without the cache', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  // line 2, column 30: the `new Error`
  const source = bundleSource("'use strict';\nexports.fail = () => { throw new Error('boom'); };", 'd'.repeat(32));
  const file = await writeBundle(dir.path, 'trace.cjs', source);
  for (const cached of [true, false]) {
    if (!cached) writeFileSync(`${file}.cache`, 'not a cache');
    const { fail } = loader.loadBundle(file) as { fail: () => never };
    assert.throws(fail, (err: Error) => {
      assert.ok(err.stack?.includes(`at exports.fail (${file}:2:30)`), err.stack);
      return true;
    });
  }
});

test('the bundle gets module, require, __filename and __dirname, and its import() goes through the launcher', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  const code = [
    'exports.names = [__filename, __dirname, module.filename, module.id, typeof require.resolve];',
    'exports.sameExports = module.exports === exports;',
    "exports.os = () => __bmeterImport('node:os');",
  ].join('\n');
  const file = await writeBundle(dir.path, 'env.cjs', bundleSource(code, 'e'.repeat(32)));
  const loaded = loader.loadBundle(file) as { names: unknown[]; sameExports: boolean; os: () => Promise<unknown> };
  assert.deepEqual(loaded.names, [file, dir.path, file, file, 'function']);
  assert.equal(loaded.sameExports, true);
  const os = (await loaded.os()) as { platform: () => string };
  assert.equal(os.platform(), process.platform);
});

test('import() of mqtt, vega or vega-lite and require() of serialport load the library bundle beside the bundle, once; without one, the package', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  const code = 'exports.load = (name) => __bmeterImport(name);\nexports.require = (name) => __bmeterRequire(name);';
  const file = await writeBundle(dir.path, 'main.cjs', bundleSource(code, '1'.repeat(32)));
  type Loaded = Record<string, unknown>;
  const main = loader.loadBundle(file) as {
    load: (name: string) => Promise<Loaded>;
    require: (name: string) => Loaded;
  };
  // Without library bundles (a build before them): the packages from node_modules.
  assert.equal(typeof (await main.load('mqtt'))['connect'], 'function');
  assert.equal(typeof main.require('serialport')['SerialPort'], 'function');
  await writeBundle(
    dir.path,
    'mqtt.cjs',
    bundleSource("exports.mqtt = { connect: 'bundled MQTT.js' };", '2'.repeat(32)),
  );
  const serial = "exports.serialport = { SerialPort: 'bundled serialport' };";
  await writeBundle(dir.path, 'serialport.cjs', bundleSource(serial, '4'.repeat(32)));
  const charts = [
    'globalThis.chartsLoaded = (globalThis.chartsLoaded ?? 0) + 1;',
    "exports.vega = { name: 'bundled vega' };",
    "exports.vegaLite = { name: 'bundled vega-lite' };",
  ].join('\n');
  await writeBundle(dir.path, 'charts.cjs', bundleSource(charts, '3'.repeat(32)));
  assert.deepEqual(await main.load('mqtt'), { connect: 'bundled MQTT.js' });
  assert.deepEqual(main.require('serialport'), { SerialPort: 'bundled serialport' });
  assert.deepEqual(await Promise.all([main.load('vega-lite'), main.load('vega')]), [
    { name: 'bundled vega-lite' },
    { name: 'bundled vega' },
  ]);
  assert.equal((globalThis as { chartsLoaded?: number }).chartsLoaded, 1, 'charts.cjs ran once for both');
  assert.equal(typeof (await main.load('node:os'))['platform'], 'function', 'other specifiers: import()');
  assert.equal(typeof main.require('node:os')['platform'], 'function', 'other specifiers: require()');
});

test('a damaged bundle (cut short, or not JavaScript) is refused by its name; a damaged library bundle gives way to its package', async (t) => {
  const dir = tempDirFor(t, 'bmeter-load-');
  const whole = bundleSource('exports.answer = 42;', '5'.repeat(32));
  const file = `${dir.path}/b.cjs`;
  for (const [source, why] of [
    [whole.slice(0, -20), /cut short: its last line is not its key/],
    [bundleSource('exports.answer = (;', '5'.repeat(32)), /not JavaScript: Unexpected token/],
  ] as const) {
    writeFileSync(file, source);
    assert.throws(
      () => loader.loadBundle(file),
      (err: NodeJS.ErrnoException) =>
        err.code === 'BMETER_BUNDLE_DAMAGED' && err.path === file && why.test(err.message),
    );
  }
  const main = await writeBundle(
    dir.path,
    'main.cjs',
    bundleSource('exports.req = (n) => __bmeterRequire(n);', '6'.repeat(32)),
  );
  writeFileSync(`${dir.path}/mqtt.cjs`, whole.slice(0, 100)); // cut short
  const { req } = loader.loadBundle(main) as { req: (name: string) => Record<string, unknown> };
  assert.equal(typeof req('mqtt')['connect'], 'function', 'MQTT.js from node_modules');
});
