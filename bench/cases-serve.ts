/**
 * The serve section of `npm run bench`: bench/serve-day.ts (store and API measured directly over
 * a day of one-second readings and 100 days of half-hours) and bench/serve-run.ts (`bmeter serve`
 * itself against the in-process simulator), each in its own process on a Node with node:sqlite:
 * BENCH_SQLITE_NODE, else this Node when it has node:sqlite. Figures go to bench/results/serve.json.
 */
import { transformSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHasSqlite } from '../src/output/store/sqlite.js';
import type { ServeDayResult } from './serve-day.js';
import type { ServeRunResult } from './serve-run.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface ServeFigures {
  node: string;
  day: ServeDayResult;
  run: ServeRunResult;
}

/** The Node to measure with, or undefined (the section is skipped with a message). */
export function sqliteNode(env: NodeJS.ProcessEnv): string | undefined {
  if (env['BENCH_SQLITE_NODE'] !== undefined) return env['BENCH_SQLITE_NODE'];
  return nodeHasSqlite(process.version) ? process.execPath : undefined;
}

function runJson<T>(node: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args[args.length - 3] ?? 'bench'} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T);
    });
  });
}

/**
 * bench/serve-day.ts as plain JavaScript in `dir` (its path): run as TypeScript, Node's type stripping adds
 * ~13 MiB of RSS to the measured process (Node 22.23: 56 MiB against 43 MiB for the same one-line script),
 * which is the bench's, not the store's and the listener's.
 */
function serveDayAsJs(dir: string): string {
  const file = join(dir, 'serve-day.mjs');
  const ts = readFileSync(join(here, 'serve-day.ts'), 'utf8');
  writeFileSync(file, transformSync(ts, { loader: 'ts', format: 'esm', target: 'node22' }).code);
  return file;
}

export async function serveCases(node: string, root: string, runSeconds: number): Promise<ServeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-bench-serve-'));
  try {
    const version = await runJson<string>(node, ['-p', 'JSON.stringify(process.version)']);
    const day = await runJson<ServeDayResult>(node, ['--expose-gc', '--no-warnings', serveDayAsJs(dir), root, dir]);
    const run = await runJson<ServeRunResult>(node, [
      '--no-warnings',
      join(here, 'serve-run.ts'),
      node,
      root,
      dir,
      String(runSeconds),
    ]);
    return { node: version, day, run };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
