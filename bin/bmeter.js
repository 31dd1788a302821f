#!/usr/bin/env node
// Thin launcher (CommonJS, see bin/package.json): `npm run build` (run by `prepare` on install)
// compiles the CLI to dist/ and bundles it into dist/bmeter.cjs (scripts/bundle.mjs), with a V8 code cache
// beside it that load-bundle.js runs it with. A lone `--version` is answered without loading the program
// (fast start). A checkout that was never built (cloned, or installed with --ignore-scripts), or whose bundle
// was damaged, gets one line saying what to run, exit status 1, not a stack trace.
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const { join } = require('node:path');
  const bundle = join(__dirname, '..', 'dist', 'bmeter.cjs');
  let program;
  try {
    program = require('./load-bundle.js').loadBundle(bundle);
  } catch (err) {
    if (!['ENOENT', 'BMETER_BUNDLE_DAMAGED'].includes(err.code) || err.path !== bundle) throw err;
    const what = err.code === 'ENOENT' ? `${bundle} is missing: bmeter is not built` : err.message;
    process.stderr.write(`bmeter: ${what} — run \`npm run build\` in ${join(__dirname, '..')}\n`);
    process.exit(1);
  }
  program.main(process.argv);
}
