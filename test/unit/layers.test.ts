/**
 * The architecture rules of DESIGN.md §1 checked on the source: imports point down the pipeline
 * (transport → skstack → echonet → meter → scan → session → poll/history → serve/plot/demo → output → cli),
 * never up or sideways; the simulator sits beside the stack (only the CLI and the demo reach it);
 * and no two source files import each other, directly or round a loop (type-only imports count).
 */
import { repoPath } from '../fixtures/repo-root.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = repoPath('src') + '/';

/** Rank of each top-level folder (a file may import its own folder and lower ranks only). */
const RANK: Record<string, number> = {
  'errors.ts': 0,
  time: 0,
  fs: 0.5,
  log: 0,
  config: 1,
  transport: 1,
  skstack: 2,
  echonet: 3,
  meter: 4,
  sim: 4.5,
  scan: 5,
  session: 6,
  poll: 7,
  history: 7,
  decode: 7,
  serve: 8,
  demo: 8,
  web: 8,
  plot: 8,
  // Outputs are adapters of the use cases' ports (the store implements serve/store-port.ts, the
  // metrics route has serve's Route shape): above them, below the CLI.
  output: 8.5,
  cli: 9,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const top = (file: string): string => relative(SRC, file).split('/')[0] ?? '';

test('every import points down the pipeline or stays in its folder; only the CLI and the demo reach the simulator', () => {
  const wrong: string[] = [];
  for (const file of files(SRC)) {
    const from = top(file);
    for (const target of imports(file)) {
      const to = top(target);
      if (from === to) continue;
      const [a, b] = [RANK[from], RANK[to]];
      assert.ok(
        a !== undefined && b !== undefined,
        `unknown folder in ${relative(SRC, file)} → ${relative(SRC, target)}`,
      );
      const ok = to === 'sim' ? from === 'cli' || from === 'demo' : a > b || (from === 'sim' && b <= 4);
      if (!ok) wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('no source files import each other round a loop, type-only imports included', () => {
  const graph = new Map(files(SRC).map((f) => [f, imports(f)]));
  const loops: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      loops.push([...path.slice(path.indexOf(f)), f].map((x) => relative(SRC, x)).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) if (graph.has(t)) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  assert.deepEqual(loops, []);
});
