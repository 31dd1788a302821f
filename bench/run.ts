/**
 * `npm run bench` (not part of `npm test`): measures bmeter against its speed goals
 * and writes BENCHMARKS.md. Each run stores its figures in bench/results/<label>.json; the report
 * shows the "before" column (the first measurement, kept) beside the current one.
 *
 * Environment: BENCH_LABEL (default "after"), BENCH_ROOT (tree with bin/ and dist/ to measure,
 * default this checkout), BENCH_ONLY (comma list of start,poll,scan,soak,serve,see), BENCH_RUNS (5),
 * BENCH_SCAN_RUNS (3), BENCH_SCAN_SCALE (1 = real scan timing), BENCH_SOAK_READINGS (10000),
 * BENCH_SQLITE_NODE (a Node ≥ 22.13 for the serve section, default this Node if it has node:sqlite),
 * BENCH_SERVE_SECONDS (60). The serve figures are kept in bench/results/serve.json.
 * `node --import tsx bench/render.ts` rewrites BENCHMARKS.md from the stored results only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeScanFile, pollCases } from './cases-poll.js';
import { scanCases } from './cases-scan.js';
import { seeCases } from './cases-see.js';
import { startCases } from './cases-start.js';
import { serveCases, sqliteNode } from './cases-serve.js';
import { createContext } from './lib/context.js';
import { describeMachine } from './lib/machine.js';
import type { BenchResults } from './report.js';
import { writeReport } from './render.js';
import type { SoakResult } from './soak.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const env = process.env;
const label = env['BENCH_LABEL'] ?? 'after';
const root = resolve(env['BENCH_ROOT'] ?? repo);
const only = new Set((env['BENCH_ONLY'] ?? 'start,poll,scan,soak,serve,see').split(',').map((s) => s.trim()));
const runs = Number(env['BENCH_RUNS'] ?? 5);
const scanRuns = Number(env['BENCH_SCAN_RUNS'] ?? 3);
const scanScale = Number(env['BENCH_SCAN_SCALE'] ?? 1);
const soakReadings = Number(env['BENCH_SOAK_READINGS'] ?? 10_000);

function runSoak(scanFile: string): Promise<SoakResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(here, 'soak.ts'), root, scanFile, String(soakReadings)],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`soak exited with ${code}`));
      resolvePromise(JSON.parse(out.trim().split('\n').pop() ?? '{}') as SoakResult);
    });
  });
}

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${label}.json`);
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchResults) : undefined;
const results: BenchResults = { ...previous, label, root: root === repo ? '.' : root, machine: describeMachine() };

const ctx = await createContext(root, runs);
try {
  ctx.log(`measuring ${root} as "${label}": ${[...only].join(', ')}`);
  await makeScanFile(ctx);
  if (only.has('start')) results.start = await startCases(ctx);
  if (only.has('poll')) results.poll = await pollCases(ctx);
  if (only.has('scan')) results.scan = await scanCases(ctx, scanRuns, scanScale);
  if (only.has('serve')) {
    const sqlite = sqliteNode(env);
    if (sqlite === undefined)
      ctx.log('serve: skipped — this Node has no node:sqlite; set BENCH_SQLITE_NODE to a Node ≥ 22.13');
    else {
      ctx.log(`serve: a day of readings into the store, then bmeter serve against sim:// (${sqlite})`);
      const serve = await serveCases(sqlite, root, Number(env['BENCH_SERVE_SECONDS'] ?? 60));
      writeFileSync(join(resultsDir, 'serve.json'), `${JSON.stringify(serve, null, 2)}\n`);
    }
  }
  if (only.has('see')) results.see = await seeCases(ctx);
  if (only.has('soak')) {
    ctx.log(`soak: ${soakReadings} readings`);
    results.soak = await runSoak(ctx.scanFile);
  }
} finally {
  rmSync(ctx.tmp, { recursive: true, force: true });
}
// A serve-only run keeps its figures in serve.json alone: the other sections' results stay as measured.
if ([...only].some((name) => name !== 'serve')) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

writeReport();
ctx.log(`wrote ${file} and BENCHMARKS.md`);
