#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner. Node 20's `node --test` does not expand
// globs, so the files are listed here; no test file found is a failure, never a silent pass.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// fileURLToPath, not .pathname: a checkout under "My Projects" or a Japanese folder name would be percent-encoded.
const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2); // optional sub-folders, e.g. `npm test -- test/unit`

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const dirs = only.length > 0 ? only.map((d) => join(root, d)) : [join(root, 'test')];
const files = dirs.flatMap(findTests).map((f) => relative(root, f));
if (files.length === 0) {
  console.error(`no test files (*.test.ts) found under ${dirs.join(', ')}`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
