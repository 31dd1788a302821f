/** A temporary directory per test, removed afterwards (also when the test fails). */
import { mkdtempSync, rmSync } from 'node:fs';
import { after } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  /** A path inside the directory. */
  file(name: string): string;
  remove(): void;
}

export function makeTempDir(prefix = 'bmeter-e2e-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Creates a temp dir and registers its removal with the test context's `after`. */
export function tempDirFor(t: { after(fn: () => void | Promise<void>): void }, prefix?: string): TempDir {
  const dir = makeTempDir(prefix);
  t.after(() => dir.remove());
  return dir;
}

/**
 * For a test file whose helpers have no test context: a function that makes a temp folder (its path) each call.
 * Called at the file's top level; every folder it made is removed after the file's last test.
 */
export function tempFoldersOfFile(prefix: string): () => string {
  const made: string[] = [];
  after(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
