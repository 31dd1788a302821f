#!/usr/bin/env node
// Thin launcher: `npm run build` (run by `prepare` on install) compiles the CLI to dist/ and
// bundles it into dist/bundle/ (scripts/bundle.mjs). `--version` alone is answered without
// loading the program (issue #6, fast start).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/cli/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../dist/bundle/main.js');
  await main(process.argv);
}
