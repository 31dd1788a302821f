#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js, from transpile.mjs) into one CommonJS file, dist/bmeter.cjs,
// that bin/bmeter.js loads (fast start): one file read instead of resolving
// hundreds of modules, and no ES-module loader. Modules the CLI imports dynamically (each
// command, the transports, the simulator) are only evaluated when imported. pino, the full zod (the scan
// file's error wording), proper-lockfile and resvg (a native binding) stay outside: they are required from
// node_modules when first needed. zod/mini (the config schema, checked at every start) is bundled:
// tree-shaken, it costs a few kB instead of loading a package. serialport (only for a device port), mqtt
// (only for --mqtt) and the chart libraries (only for plot) get bundles of their own, dist/serialport.cjs,
// dist/mqtt.cjs and dist/charts.cjs, loaded on first use: from node_modules, as the hundreds of modules they
// are, they cost a command more CPU than bmeter's own code. Run by `npm run build`, after transpile.mjs.
//
// bin/load-bundle.js runs the bundle through vm.Script with a V8 code cache (the reasons are there), which
// scripts/code-cache.mjs makes, run from here: dist/<bundle>.cache, for the Node that runs the build.
// Two changes to esbuild's output make that work:
// - each import() of a package or builtin (mqtt, vega, node:sqlite, …) becomes __bmeterImport(), a function
//   the launcher passes in that calls import() from its own module: the import() of a vm.Script needs
//   --experimental-vm-modules (or warns), and on Node 20 fails outright in code compiled from a cache;
// - a last line `// bmeter-cache-key: <hash of the bundle>`, which the cache carries too, so a cache is
//   only ever used with the bundle it was made for.
// The bundle therefore runs only through bin/load-bundle.js, not through a plain require().
// Each bundle also ends with `// bmeter-inputs: <hash>` of what it and its cache were made from
// (lib/bundle-inputs.mjs): a build finding the same skips that bundle, so `npm test`'s build costs little
// when nothing changed.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtFrom, inputsHash } from './lib/bundle-inputs.mjs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Smaller bundles parse faster; stack traces still name the function where esbuild keeps it. */
const MINIFIED = {
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  legalComments: 'none',
  logLevel: 'warning',
};

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

/**
 * serialport, which src/transport/serial.ts imports (a require() in the bundle), comes from its library bundle
 * through the launcher's __bmeterRequire. The other @serialport package bmeter uses (parser-readline, for
 * decode's stdin) is small and bundled here.
 */
const serialportFromLibrary = {
  name: 'serialport-from-library',
  setup(b) {
    b.onResolve({ filter: /^serialport$/ }, () => ({ path: 'serialport', namespace: 'library-require' }));
    b.onLoad({ filter: /.*/, namespace: 'library-require' }, () => ({
      contents: 'module.exports = __bmeterRequire("serialport");',
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['pino', 'mqtt', 'vega', 'vega-lite', '@resvg/resvg-js', 'proper-lockfile'],
  plugins: [exactExternal(/^zod$/), lazyChildProcessForCommander, serialportFromLibrary],
  // import.meta.url (createRequire in config.ts and logger.ts) becomes the bundle's own URL.
  define: { 'import.meta.url': '__bmeterImportMetaUrl' },
  banner: { js: "const __bmeterImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  ...MINIFIED,
});
const cli = result.outputFiles[0].text;
const cliInputs = inputsHash(root, cli, ['scripts/lib/sim-scan-file.mjs']);
if (cliInputs === undefined || builtFrom(`${root}dist/bmeter.cjs`) !== cliInputs)
  writeWithCodeCache('bmeter.cjs', `${cli}// bmeter-inputs: ${cliInputs ?? 'unknown'}\n`, 'poll');

// The library bundles (bin/load-bundle.js, LIBRARY_BUNDLES): MQTT.js for --mqtt, Vega and Vega-Lite for plot.
// vega-canvas's Node build awaits import('canvas') at its top level, which a CommonJS bundle cannot hold. Its
// functions answer null when the optional `canvas` package is absent, as it is here (bmeter does not depend
// on it; vega then draws SVG without a canvas and estimates text widths), so a module answering null stands in.
const noCanvas = {
  name: 'no-canvas',
  setup(b) {
    b.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: 'vega-canvas', namespace: 'no-canvas' }));
    b.onLoad({ filter: /.*/, namespace: 'no-canvas' }, () => ({
      contents: 'export const canvas = () => null;\nexport const image = () => null;',
      loader: 'js',
    }));
  },
};
/**
 * @serialport/bindings-cpp finds its native binding with node-gyp-build from its own folder (`__dirname/..`),
 * which in a bundle would be dist/: the module that does so is replaced by one that starts from the package's
 * folder in node_modules, resolved when it loads.
 */
const bindingFromPackage = {
  name: 'binding-from-package',
  setup(b) {
    b.onLoad({ filter: /[\\/]@serialport[\\/]bindings-cpp[\\/]dist[\\/]serialport-bindings\.js$/ }, (args) => ({
      contents: [
        "const { dirname, join } = require('node:path');",
        "const resolve = require('node:module').createRequire(__filename).resolve;",
        "const folder = join(dirname(resolve('@serialport/bindings-cpp')), '..');",
        "exports.binding = require('node-gyp-build')(folder);",
      ].join('\n'),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// Each: the file, its entry, what code-cache.mjs runs before taking the cache, and the files that run reads.
const LIBRARIES = [
  ['mqtt.cjs', "export * as mqtt from 'mqtt';", 'load', []],
  ['serialport.cjs', "export * as serialport from 'serialport';", 'load', []],
  [
    'charts.cjs',
    "export * as vega from 'vega';\nexport * as vegaLite from 'vega-lite';",
    'charts',
    ['dist/plot/vega-spec.js'],
  ],
];
for (const [file, contents, exercise, exercised] of LIBRARIES) {
  const inputs = inputsHash(root, contents, ['node_modules/.package-lock.json', ...exercised]);
  if (inputs !== undefined && builtFrom(`${root}dist/${file}`) === inputs) continue;
  const library = await build({
    absWorkingDir: root,
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: file },
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [noCanvas, bindingFromPackage],
    ...MINIFIED,
  });
  writeWithCodeCache(file, `${library.outputFiles[0].text}// bmeter-inputs: ${inputs ?? 'unknown'}\n`, exercise);
}
rmSync(`${root}dist/bundle`, { recursive: true, force: true }); // the code-split bundle of earlier builds

/**
 * Writes dist/<file> (esbuild's `code` with its import() routed through the launcher and the key line
 * appended) and its V8 code cache, made by code-cache.mjs after running `exercise` (what it names is there).
 * Each is written beside its target and renamed over it, so a bmeter started meanwhile finds a whole one;
 * the bundle first, then its cache: a bmeter started in between finds a cache of another key and ignores it.
 */
function writeWithCodeCache(file, code, exercise) {
  const target = `${root}dist/${file}`;
  const temp = `${target}.${process.pid}.tmp`;
  const cacheTarget = `${target}.cache`;
  const cacheTemp = `${cacheTarget}.${process.pid}.tmp`;
  const routed = launcherImports(code);
  writeFileSync(
    temp,
    `${routed}// bmeter-cache-key: ${createHash('sha256').update(routed).digest('hex').slice(0, 32)}\n`,
  );
  const made = spawnSync(process.execPath, [`${root}scripts/code-cache.mjs`, temp, target, cacheTemp, exercise], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 60_000,
  });
  renameSync(temp, target);
  if (made.status === 0) renameSync(cacheTemp, cacheTarget);
  else {
    // Never a failed install for a speed-up: without a cache, bmeter compiles the bundle as it starts.
    console.warn(`bundle.mjs: no V8 code cache for dist/${file} (code-cache.mjs: ${made.error ?? made.status})`);
    rmSync(cacheTemp, { force: true });
    rmSync(cacheTarget, { force: true });
  }
}
