#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle/ with esbuild, so that
// `bin/bmeter.js` starts by reading a few files instead of resolving hundreds of modules
// (issue #6, fast start). Code splitting keeps each command (and the simulator, pino, zod) in
// chunks that load only when needed. serialport stays external: it has a native binding.
// Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}dist/bundle`;
// Built beside the old bundle and swapped in, so a bmeter started meanwhile finds a whole one.
const outdir = `${target}.new-${process.pid}`;
const old = `${target}.old-${process.pid}`;
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { main: `${root}dist/cli/main.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['serialport', '@serialport/*'],
  // CommonJS dependencies (pino, commander) call require() for Node built-ins.
  banner: { js: "import { createRequire as __bmeterCreateRequire } from 'node:module'; const require = __bmeterCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

if (existsSync(target)) renameSync(target, old);
renameSync(outdir, target);
rmSync(old, { recursive: true, force: true });
