/** Rewrites BENCHMARKS.md from bench/results/{before,after}.json without measuring anything. */
import { renderSee } from './cases-see.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderReport, type BenchResults } from './report.js';
import type { ServeFigures } from './cases-serve.js';
import { renderServeSection } from './report-serve.js';

const here = dirname(fileURLToPath(import.meta.url));

export function writeReport(): void {
  const load = (name: string): BenchResults | undefined => {
    const path = join(here, 'results', `${name}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchResults) : undefined;
  };
  const servePath = join(here, 'results', 'serve.json');
  const serve = existsSync(servePath) ? (JSON.parse(readFileSync(servePath, 'utf8')) as ServeFigures) : undefined;
  // The dashboard/plot figures: from their own run (BENCH_LABEL=see BENCH_ONLY=see) when there is one.
  const seeRun = load('see')?.see !== undefined ? load('see') : load('after');
  const see = renderSee(seeRun?.see, seeRun?.machine).join('\n');
  writeFileSync(
    join(resolve(here, '..'), 'BENCHMARKS.md'),
    renderReport(load('before'), load('after')) + renderServeSection(serve) + (see === '' ? '' : `${see}\n`),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) writeReport();
