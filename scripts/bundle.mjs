#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js, from transpile.mjs) into one CommonJS file, dist/bmeter.cjs,
// that bin/bmeter.js requires (fast start): one file read instead of resolving
// hundreds of modules, and no ES-module loader. Modules the CLI imports dynamically (each
// command, the transports, the simulator) are only evaluated when imported. serialport (native
// binding), pino, the full zod (the scan file's error wording), mqtt (only for --mqtt) and the chart
// libraries (only for plot) stay outside: they are required from node_modules when first needed.
// zod/mini (the config schema, checked at every start) is bundled: tree-shaken, it costs a few kB
// instead of loading a package. Run by `npm run build`, after transpile.mjs.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}dist/bmeter.cjs`;
// Written beside the old bundle and renamed over it, so a bmeter started meanwhile finds a whole one.
const temp = `${target}.${process.pid}.tmp`;

/** Marks only the bare specifier external (esbuild's `external` would take every subpath too). */
function exactExternal(filter) {
  return {
    name: 'exact-external',
    setup: (b) => b.onResolve({ filter }, (args) => ({ path: args.path, external: true })),
  };
}

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outfile: temp,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['serialport', '@serialport/*', 'pino', 'mqtt', 'vega', 'vega-lite', '@resvg/resvg-js', 'proper-lockfile'],
  plugins: [exactExternal(/^zod$/)],
  // import.meta.url (createRequire in config.ts and logger.ts) becomes the bundle's own URL.
  define: { 'import.meta.url': '__bmeterImportMetaUrl' },
  banner: { js: "const __bmeterImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  legalComments: 'none',
  logLevel: 'warning',
});
renameSync(temp, target);
rmSync(`${root}dist/bundle`, { recursive: true, force: true }); // the code-split bundle of earlier builds
