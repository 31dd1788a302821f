#!/usr/bin/env node
// `npm run build`, step 1: src/**/*.ts → dist/**/*.js with esbuild, the layout kept (what tsc used
// to emit, in a fraction of the time; `npm run typecheck` checks the types). Step 2 is bundle.mjs.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile } from './lib/transpile.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await transpile({ dirs: [join(root, 'src')], outdir: join(root, 'dist'), outbase: join(root, 'src') });
