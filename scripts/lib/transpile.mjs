// TypeScript → JavaScript with esbuild, file by file (no bundling), keeping the folder layout:
// `src/cli/main.ts` under `root` becomes `<outdir>/<prefix>cli/main.js`. Types are not checked here;
// that is `npm run typecheck`'s job (tsc --noEmit).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file under `dir` (recursively, sorted) whose name passes `keep`. A link to nothing is passed over: an
 * editor's lock file (Emacs' `.#main.ts`) is one while a buffer has unsaved changes.
 */
export function walk(dir, keep) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) found.push(...walk(path, keep));
    else if (stat?.isFile() && keep(name)) found.push(path);
  }
  return found;
}

/** True for a TypeScript source file (not a declaration file). */
export const isTs = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts');

/**
 * Transpiles every .ts file under the `dirs` to ES modules in `outdir`, paths relative to `outbase`.
 * @param {{ dirs: string[], outdir: string, outbase: string, sourcemap?: boolean | 'inline' }} options
 */
export async function transpile({ dirs, outdir, outbase, sourcemap = false }) {
  // Loaded here, not at the top: the test runner imports this module for walk() on every run, and transpiles
  // only when src/ or test/ changed (esbuild's load is ~50 ms of CPU).
  const { build } = await import('esbuild');
  await build({
    entryPoints: dirs.flatMap((d) => walk(d, isTs)),
    outdir,
    outbase,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap,
    logLevel: 'warning',
  });
}
