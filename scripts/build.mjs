#!/usr/bin/env node
// `npm run build` (also `npm test`'s pretest and `npm install`'s prepare): the three steps in one node
// process, one after another — src → dist (transpile.mjs), the CLI bundle (bundle.mjs), the dashboard
// (build-web.mjs). Each step is a script that does its work when imported.
await import('./transpile.mjs');
await import('./bundle.mjs');
await import('./build-web.mjs');
