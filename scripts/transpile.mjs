#!/usr/bin/env node
// `npm run build`, step 1: src/**/*.ts → dist/**/*.js with esbuild, the layout kept (what tsc used
// to emit, in a fraction of the time; `npm run typecheck` checks the types). Step 2 is bundle.mjs.
// A .js file of dist/ whose source is gone (renamed or deleted) is removed: the bundle would otherwise
// still find the old module where a fresh clone fails to build.
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile, walk } from './lib/transpile.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
await transpile({ dirs: [src], outdir: dist, outbase: src });
for (const file of walk(dist, (name) => name.endsWith('.js'))) {
  const path = relative(dist, file);
  if (path.startsWith(`web/`) || path.startsWith('web\\')) continue; // the dashboard, build-web.mjs's
  if (!existsSync(join(src, path.replace(/\.js$/, '.ts')))) rmSync(file);
}
