/**
 * A docstring says something: no empty `/** … *\/` block stands before a declaration in src/, scripts/ or
 * test/ (a placeholder left by a refactoring reads as documentation and says nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, repoPath } from '../fixtures/repo-root.js';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** `file:line` of every docstring in `text` that holds nothing but asterisks and blanks. */
function emptyDocstrings(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\/\*\*([\s*]*)\*\//g)) {
    found.push(`${relative(REPO_ROOT, file)}:${text.slice(0, m.index).split('\n').length}`);
  }
  return found;
}

test('the empty-docstring check finds an empty block and lets a written one through', () => {
  assert.deepEqual(emptyDocstrings(repoPath('x.ts'), 'const a = 1;\n/**\n *\n */\nexport function f() {}\n'), [
    'x.ts:2',
  ]);
  assert.deepEqual(emptyDocstrings(repoPath('x.ts'), '/** One line. */\nexport const b = 2;\n'), []);
});

test('no empty docstring in src/, scripts/ or test/', () => {
  const files = ['src', 'scripts', 'test'].flatMap((d) => sourceFiles(repoPath(d)));
  const empty = files.flatMap((f) => emptyDocstrings(f, readFileSync(f, 'utf8')));
  assert.deepEqual(empty, []);
});
