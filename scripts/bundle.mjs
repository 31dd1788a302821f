#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js, from tsc) into one CommonJS file, dist/bmeter.cjs,
// that bin/bmeter.js requires (issue #6, fast start): one file read instead of resolving
// hundreds of modules, and no ES-module loader. Modules the CLI imports dynamically (each
// command, the transports, the simulator) are only evaluated when imported. serialport (native
// binding), pino and zod stay outside: they are required from node_modules when first needed.
// Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}dist/bmeter.cjs`;
// Written beside the old bundle and renamed over it, so a bmeter started meanwhile finds a whole one.
const temp = `${target}.${process.pid}.tmp`;

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outfile: temp,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['serialport', '@serialport/*', 'pino', 'zod', 'proper-lockfile'],
  // import.meta.url (createRequire in config.ts and logger.ts) becomes the bundle's own URL.
  define: { 'import.meta.url': '__bmeterImportMetaUrl' },
  banner: { js: "const __bmeterImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
renameSync(temp, target);
rmSync(`${root}dist/bundle`, { recursive: true, force: true }); // the code-split bundle of earlier builds
