#!/usr/bin/env node
// Thin launcher (CommonJS, see bin/package.json): `npm run build` (run by `prepare` on install)
// compiles the CLI to dist/ and bundles it into dist/bmeter.cjs (scripts/bundle.mjs), with a V8 code cache
// beside it that load-bundle.js runs it with. A lone `--version` is answered without loading the program
// (fast start).
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  require('./load-bundle.js')
    .loadBundle(require('node:path').join(__dirname, '..', 'dist', 'bmeter.cjs'))
    .main(process.argv);
}
