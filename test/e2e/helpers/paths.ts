/**
 * Where the built CLI lives. The e2e tests run `bin/bmeter.js` as a user would; it requires the
 * bundle dist/bmeter.cjs, so `npm run build` must have run (`npm test` does it in pretest).
 */
import { existsSync } from 'node:fs';
import { REPO_ROOT, repoPath } from '../../fixtures/repo-root.js';

export { REPO_ROOT };
/** The launcher a user runs. */
export const BIN = repoPath('bin', 'bmeter.js');
/** The bundled CLI that `npm run build` writes and bin/bmeter.js requires. */
export const DIST_MAIN = repoPath('dist', 'bmeter.cjs');

/** Throws a clear message when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(DIST_MAIN)) {
    throw new Error(`${DIST_MAIN} is missing — run \`npm run build\` first (npm test does it in pretest)`);
  }
}
