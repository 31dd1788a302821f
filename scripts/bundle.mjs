#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js, from transpile.mjs) into one CommonJS file, dist/bmeter.cjs,
// that bin/bmeter.js loads (fast start): one file read instead of resolving
// hundreds of modules, and no ES-module loader. Modules the CLI imports dynamically (each
// command, the transports, the simulator) are only evaluated when imported. serialport (native
// binding), pino, the full zod (the scan file's error wording), mqtt (only for --mqtt) and the chart
// libraries (only for plot) stay outside: they are required from node_modules when first needed.
// zod/mini (the config schema, checked at every start) is bundled: tree-shaken, it costs a few kB
// instead of loading a package. Run by `npm run build`, after transpile.mjs.
//
// bin/load-bundle.js runs the bundle through vm.Script with a V8 code cache (the reasons are there), which
// scripts/code-cache.mjs makes, run from here: dist/bmeter.cjs.cache, for the Node that runs the build.
// Two changes to esbuild's output make that work:
// - each import() of a package or builtin (mqtt, vega, node:sqlite, …) becomes __bmeterImport(), a function
//   the launcher passes in that calls import() from its own module: the import() of a vm.Script needs
//   --experimental-vm-modules (or warns), and on Node 20 fails outright in code compiled from a cache;
// - a last line `// bmeter-cache-key: <hash of the bundle>`, which the cache carries too, so a cache is
//   only ever used with the bundle it was made for.
// The bundle therefore runs only through bin/load-bundle.js, not through a plain require().
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}dist/bmeter.cjs`;
// Written beside the old bundle and renamed over it, so a bmeter started meanwhile finds a whole one.
const temp = `${target}.${process.pid}.tmp`;
const cacheTarget = `${target}.cache`;
const cacheTemp = `${cacheTarget}.${process.pid}.tmp`;

/** Marks only the bare specifier external (esbuild's `external` would take every subpath too). */
function exactExternal(filter) {
  return {
    name: 'exact-external',
    setup: (b) => b.onResolve({ filter }, (args) => ({ path: args.path, external: true })),
  };
}

/**
 * commander requires node:child_process as it loads, only to spawn executable subcommands (bmeter has
 * none): it gets a stand-in that requires the module on first use. Saves ~1 ms of every start (child_process
 * loads dgram and more with it; BENCHMARKS.md, "What changed for a fast start").
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy-child-process' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/** esbuild's output with every import("<specifier>") made a call of the launcher's __bmeterImport. */
function launcherImports(code) {
  const out = code.replace(/(?<![\w$.])import\(("[^"\\]+")\)/g, '__bmeterImport($1)');
  const left = /(?<![\w$.])import\(.{0,40}/.exec(out);
  // Another form (a computed specifier, import attributes) would fail under vm.Script: stop the build.
  if (left !== null) throw new Error(`bundle.mjs: cannot route this import() through the launcher: ${left[0]}`);
  return out;
}

const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outfile: temp,
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['serialport', '@serialport/*', 'pino', 'mqtt', 'vega', 'vega-lite', '@resvg/resvg-js', 'proper-lockfile'],
  plugins: [exactExternal(/^zod$/), lazyChildProcessForCommander],
  // import.meta.url (createRequire in config.ts and logger.ts) becomes the bundle's own URL.
  define: { 'import.meta.url': '__bmeterImportMetaUrl' },
  banner: { js: "const __bmeterImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const code = launcherImports(result.outputFiles[0].text);
const bundle = `${code}// bmeter-cache-key: ${createHash('sha256').update(code).digest('hex').slice(0, 32)}\n`;
writeFileSync(temp, bundle);
const made = spawnSync(process.execPath, [`${root}scripts/code-cache.mjs`, temp, target, cacheTemp], {
  stdio: ['ignore', 'ignore', 'inherit'],
  timeout: 60_000,
});
// The bundle first, then its cache: a bmeter started in between finds a cache of another key and ignores it.
renameSync(temp, target);
if (made.status === 0) renameSync(cacheTemp, cacheTarget);
else {
  // Never a failed install for a speed-up: without a cache, bmeter compiles the bundle as it starts.
  console.warn(`bundle.mjs: no V8 code cache for dist/bmeter.cjs (code-cache.mjs: ${made.error ?? made.status})`);
  rmSync(cacheTemp, { force: true });
  rmSync(cacheTarget, { force: true });
}
rmSync(`${root}dist/bundle`, { recursive: true, force: true }); // the code-split bundle of earlier builds
