// A stamp of what a build step was made from and what it made, so that a step whose inputs have not changed
// since it last ran whole, and whose outputs are as it left them, can be skipped (what make does with file
// times, by content here: a `git checkout` or a copy changes times but not content). `npm test` builds dist/
// (pretest) and transpiles src/ and test/ into .test-build/ before every run; the two cost ~1 s of wall time
// before the first test starts when nothing changed. The stamp is a hash of every file under the input
// folders (their paths relative to `root` and their bytes), of single input files and of the Node that runs
// the step, then a hash of every file the step made: an output deleted, cut short or changed by hand makes
// the step run again. It is written only after the step ended well, so a step cut short or failed runs again.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { walk } from './transpile.mjs';

/**
 * The hash of the inputs: every file under `dirs` and each of `files` (paths under `root`, which ends in a
 * path separator) with its path, and this Node's version and architecture; undefined when one cannot be read
 * (a missing input: the step runs and reports it).
 */
export function inputsStamp(root, dirs, files = []) {
  const hash = createHash('sha256').update(`${process.version} ${process.arch}\n`);
  try {
    const all = [...dirs.flatMap((dir) => walk(`${root}${dir}`, () => true)), ...files.map((f) => `${root}${f}`)];
    for (const file of all) hash.update(`${relative(root, file)}\n`).update(readFileSync(file));
  } catch {
    return undefined;
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The hash of every file under `dir` (paths relative to it, and bytes) but `skip` (the stamp file itself, and
 * what later runs write there); a missing `dir` hashes as empty.
 */
export function outputsStamp(dir, skip = []) {
  const hash = createHash('sha256');
  let files = [];
  try {
    files = walk(dir, () => true);
  } catch {
    // no outputs yet
  }
  for (const file of files) {
    const path = relative(dir, file);
    if (skip.some((s) => path === s || path.startsWith(`${s}${sep}`))) continue;
    hash.update(`${path}\n`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 32);
}

/** True when `stampFile` holds `stamp` (a step made from the same inputs ended well). */
export function stampMatches(stampFile, stamp) {
  if (stamp === undefined) return false;
  try {
    return readFileSync(stampFile, 'utf8').trim() === stamp;
  } catch {
    return false;
  }
}

/** Removes the stamp before a step runs: a step cut short leaves none. */
export function clearStamp(stampFile) {
  rmSync(stampFile, { force: true });
}

/** Writes the stamp after a step ended well (an unknown stamp writes none: the next run does the step). */
export function writeStamp(stampFile, stamp) {
  if (stamp !== undefined) writeFileSync(stampFile, `${stamp}\n`);
}
