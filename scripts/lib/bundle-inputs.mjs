// What a bundle of dist/ and its V8 code cache were made from (scripts/bundle.mjs): the build appends
// `// bmeter-inputs: <hash>` to each bundle, before its key line, and skips a bundle whose hash is the same
// and whose cache is whole, since making a code cache takes longer than the rest of the build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { readCache } = createRequire(import.meta.url)('../../bin/load-bundle.js');
const LAST_LINES = /\/\/ bmeter-inputs: ([0-9a-f]{32})\n\/\/ bmeter-cache-key: ([0-9a-f]{32})\n$/;
const KEY_LINE_LENGTH = '// bmeter-cache-key: \n'.length + 32;

/**
 * A hash of what a bundle and its code cache are made from: `text` (the bundle's code, or a library bundle's
 * entry), this Node, the build's own scripts and `files` (paths under `root`, e.g. npm's record of the
 * installed packages); undefined when a file cannot be read.
 */
export function inputsHash(root, text, files) {
  const hash = createHash('sha256').update(`${process.version} ${process.arch}\n${text}\n`);
  try {
    for (const file of ['scripts/bundle.mjs', 'scripts/code-cache.mjs', 'bin/load-bundle.js', ...files])
      hash.update(readFileSync(`${root}${file}`));
  } catch {
    return undefined;
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The inputs hash the bundle at `target` was built from, when it and its code cache (`${target}.cache`) are
 * whole and the bundle is as the build wrote it; undefined otherwise (missing, cut short, changed by hand, or a
 * damaged cache, which bmeter would ignore at every start).
 */
export function builtFrom(target) {
  try {
    const source = readFileSync(target, 'utf8');
    if (readCache(`${target}.cache`, source) === undefined) return undefined;
    const last = LAST_LINES.exec(source.slice(-120));
    // The key is the hash of everything above its line (bundle.mjs): a bundle changed by hand is made again.
    const body = source.slice(0, source.length - KEY_LINE_LENGTH);
    if (last === null || createHash('sha256').update(body).digest('hex').slice(0, 32) !== last[2]) return undefined;
    return last[1];
  } catch {
    return undefined;
  }
}
