#!/usr/bin/env node
// Builds the dashboard of `bmeter serve` into dist/web: src/web/app.ts (with uPlot and the CSS)
// bundled and minified by esbuild into dist/web/assets/app-<hash>.js and .css, and
// src/web/index.html with those names filled in. Content-hashed names let the server send assets
// with a year-long immutable cache while index.html is revalidated. uPlot (MIT) is vendored into
// the bundle; its licence goes beside it. Nothing is loaded from a CDN. Run by `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/assets`, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/web/app.ts'],
  outdir: `${out}/assets`,
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const names = {};
for (const file of Object.keys(result.metafile.outputs)) {
  const name = basename(file);
  if (name.endsWith('.js')) names['app.js'] = name;
  if (name.endsWith('.css')) names['app.css'] = name;
}
let html = readFileSync(`${root}src/web/index.html`, 'utf8');
for (const [placeholder, name] of Object.entries(names)) html = html.replace(`{{${placeholder}}}`, name);
if (html.includes('{{')) throw new Error('build-web: an asset of index.html was not built');
writeFileSync(`${out}/index.html`, html);
copyFileSync(`${root}node_modules/uplot/LICENSE`, `${out}/assets/uPlot-LICENSE.txt`);
