// Loads the bundle (dist/bmeter.cjs) as Node's CommonJS loader would, but through vm.Script with the V8
// code cache that `npm run build` writes beside it (dist/bmeter.cjs.cache, scripts/code-cache.mjs): V8
// then deserializes the compiled code of the bundle and of what a start runs, instead of parsing and
// compiling it at every start (BENCHMARKS.md, "What changed for a fast start"). The cache is only a
// speed-up: when it is missing, unreadable, damaged, made for another bundle or rejected by V8 (another
// Node version or V8 flags), the bundle is compiled as usual, silently. Nothing is written at run time.
//
// Cache file layout: a 64-byte ASCII header `bmeter-code-cache 1 <key> <n>` (padded with spaces), then
// the n bytes of V8 data twice. V8 checks a cache against the source's length only, not its content, and
// does not checksum it (a changed byte can crash the process), so:
// - <key> must equal the one on the bundle's last line (`// bmeter-cache-key: <key>`, a hash of the bundle
//   that the build appends): a cache from another build is never used, even for a bundle of equal length;
// - the two copies must be byte for byte equal: one memcmp catches a damaged file, where hashing it
//   would first cost loading node:crypto or node:zlib (~2 ms, more than the check is worth).
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const MAGIC = 'bmeter-code-cache 1';
const HEADER_BYTES = 64; // a multiple of 8: the V8 data stays aligned in the file's buffer (no copy)
const KEY_LINE = /\/\/ bmeter-cache-key: ([0-9a-f]{32})\n?$/;

/**
 * Compiles the bundle's source as a CommonJS function. The wrapper's first line is given lineOffset -1,
 * so stack traces show the bundle's own line:column. The build makes the cache with this same function:
 * V8 accepts a cache only for a script compiled with the same options.
 */
function compileBundle(filename, source, cachedData) {
  const wrapped = `(function (exports, require, module, __filename, __dirname, __bmeterImport, __bmeterRequire) {\n${source}\n})`;
  return new vm.Script(wrapped, { filename, lineOffset: -1, cachedData });
}

/**
 * The packages the build also bundles, each into a file of its own beside the CLI bundle, with its own code
 * cache (scripts/bundle.mjs): specifier → [file in dist/, export of that file that stands for the package].
 * Loaded from node_modules, as the hundreds of modules they are, they cost a command more CPU than bmeter's
 * own code (`import('vega')` ~0.35 s, `import('mqtt')` ~0.15 s, `require('serialport')` ~0.08 s; from these
 * files ~0.07 s, ~0.015 s and ~0.02 s).
 */
const LIBRARY_BUNDLES = {
  mqtt: ['mqtt.cjs', 'mqtt'],
  serialport: ['serialport.cjs', 'serialport'],
  vega: ['charts.cjs', 'vega'],
  'vega-lite': ['charts.cjs', 'vegaLite'],
};

/**
 * What the library bundle of `specifier` in `distDir` exports for it (loaded once per process), or undefined
 * when the package has none or its file is missing (a build of an earlier version) or damaged.
 */
function libraryExports(specifier, distDir) {
  const library = Object.hasOwn(LIBRARY_BUNDLES, specifier) ? LIBRARY_BUNDLES[specifier] : undefined;
  if (library === undefined) return undefined;
  const [file, name] = library;
  const filename = join(distDir, file);
  let exports = Module._cache[filename]?.exports; // loaded before (vega and vega-lite share one)
  try {
    exports ??= loadBundle(filename);
  } catch (err) {
    // Missing or damaged: the package from node_modules does the same, only slower; `npm run build` remakes it.
    if (!['ENOENT', 'BMETER_BUNDLE_DAMAGED'].includes(err.code) || err.path !== filename) throw err;
  }
  return exports?.[name];
}

/**
 * The bundle's import() of a package or builtin (node:sqlite, mqtt, vega, …), which the build rewrote to
 * __bmeterImport(): the package's library bundle when it has one, else import() from this module, compiled
 * by Node's own loader: it needs no vm flag and resolves like the bundle's (bin/ and dist/ share the
 * package's node_modules).
 */
async function importForBundle(specifier, distDir) {
  return libraryExports(specifier, distDir) ?? import(specifier);
}

/**
 * The bundle's require() of a package that has a library bundle (the build routes those to __bmeterRequire):
 * the library bundle, else the package, required from this module like importForBundle's import().
 */
function requireForBundle(specifier, distDir) {
  return libraryExports(specifier, distDir) ?? require(specifier);
}

/**
 * Runs the compiled bundle's top level with the `module`, `require`, `__filename` and `__dirname` Node's
 * loader would give it (require resolves from dist/, as before), and returns its exports.
 */
function runBundle(script, filename) {
  const dir = dirname(filename);
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(dir); // what Node's loader and createRequire() give a module
  Module._cache[filename] = mod;
  const importer = (specifier) => importForBundle(specifier, dir);
  const libraryRequire = (specifier) => requireForBundle(specifier, dir);
  script.runInThisContext()(mod.exports, Module.createRequire(filename), mod, filename, dir, importer, libraryRequire);
  mod.loaded = true;
  return mod.exports;
}

/** The key on the bundle's last line, or undefined when it has none. */
function bundleKey(source) {
  return KEY_LINE.exec(source.slice(-80))?.[1];
}

/** The cache file's V8 data when the file is whole and belongs to this bundle source, else undefined. */
function readCache(cachePath, source) {
  let file;
  try {
    file = readFileSync(cachePath);
  } catch {
    return undefined; // none (a build without it) or unreadable: compile as usual
  }
  const [magic, version, key, size] = file.toString('latin1', 0, HEADER_BYTES).trimEnd().split(' ');
  const n = Number(size);
  if (`${magic} ${version}` !== MAGIC || key === undefined || key !== bundleKey(source)) return undefined;
  if (!Number.isSafeInteger(n) || n <= 0 || file.length !== HEADER_BYTES + 2 * n) return undefined;
  if (file.compare(file, HEADER_BYTES, HEADER_BYTES + n, HEADER_BYTES + n) !== 0) return undefined;
  return file.subarray(HEADER_BYTES, HEADER_BYTES + n);
}

/**
 * The error for a bundle that is not as the build wrote it (code BMETER_BUNDLE_DAMAGED, with its `path`): cut
 * short, so without its key line, or no longer JavaScript (a SyntaxError when compiled).
 */
function damagedBundle(filename, why) {
  return Object.assign(new Error(`${filename} is damaged (${why})`), { code: 'BMETER_BUNDLE_DAMAGED', path: filename });
}

/**
 * Loads the bundle at `filename` (with `${filename}.cache` when usable) and returns its exports.
 * @throws an error with code BMETER_BUNDLE_DAMAGED when the bundle is damaged; ENOENT when it is missing
 */
function loadBundle(filename) {
  const source = readFileSync(filename, 'utf8');
  if (bundleKey(source) === undefined) throw damagedBundle(filename, 'cut short: its last line is not its key');
  let script;
  try {
    script = compileBundle(filename, source, readCache(`${filename}.cache`, source));
  } catch (err) {
    if (err instanceof SyntaxError) throw damagedBundle(filename, `not JavaScript: ${err.message}`);
    throw err;
  }
  return runBundle(script, filename);
}

/**
 * Build time (scripts/code-cache.mjs): compiles the bundle, runs its top level, then awaits `exercise` with
 * its exports so that what it runs is compiled too, and returns the whole cache file for that source (which
 * must end with its key line). V8 puts in a cache only the functions compiled by then.
 */
async function makeCodeCache(filename, source, exercise = async () => {}) {
  const key = bundleKey(source);
  if (key === undefined) throw new Error(`${filename} has no bmeter-cache-key line`);
  const script = compileBundle(filename, source, undefined);
  await exercise(runBundle(script, filename));
  const data = script.createCachedData();
  const header = Buffer.alloc(HEADER_BYTES, ' ');
  header.write(`${MAGIC} ${key} ${data.length}`, 'latin1');
  return Buffer.concat([header, data, data]);
}

module.exports = { loadBundle, makeCodeCache, compileBundle, readCache, requireForBundle };
