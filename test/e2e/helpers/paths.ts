/**
 * Where the built CLI lives. The e2e tests run `bin/bmeter.js` as a user would; it imports
 * dist/cli/main.js, so `npm run build` must have run (`npm test` does it in pretest).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/e2e/helpers/ → repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/bmeter.js', import.meta.url));
export const DIST_MAIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

/** Throws a clear message when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(DIST_MAIN)) {
    throw new Error(`${DIST_MAIN} is missing — run \`npm run build\` first (npm test does it in pretest)`);
  }
}
