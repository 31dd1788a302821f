/**
 * Folders a run made (`mkdir -p`) before a step that can fail, taken back when the run fails: a scan that
 * finds no meter leaves no new empty folder where its scan file would have gone. Each folder goes only while
 * it is empty (rmdir never removes what is inside), from the deepest up to the first one the run made: a
 * folder that was there before, or that anything was put in meanwhile, stays.
 */
import { rmdir } from 'node:fs/promises';
import { dirname, relative, resolve, isAbsolute } from 'node:path';

/**
 * Removes `deepest` and its parents up to and including `first` (what `mkdir(…, { recursive: true })` answered:
 * the first folder it made), each only while empty; stops at the first that cannot go. Nothing when `first`
 * is undefined (mkdir made nothing) or not `deepest` or one of its parents. Never throws.
 */
export async function removeMadeFolders(first: string | undefined, deepest: string): Promise<void> {
  if (first === undefined) return;
  const top = resolve(first);
  const inside = relative(top, resolve(deepest));
  if (inside.startsWith('..') || isAbsolute(inside)) return;
  for (let dir = resolve(deepest); ; dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (or gone): it and the folders above it stay
    }
    if (dir === top) return;
  }
}
