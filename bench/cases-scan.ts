/**
 * `bmeter scan` for a meter first heard at duration 4, 5 and 6 (the default 4→7 escalation),
 * against a fixed duration-6 scan (`--min-duration 6 --max-duration 6`, other tools' default)
 * for a meter heard at 4. Real scan timing (timeScale 1) unless BENCH_SCAN_SCALE says otherwise.
 */
import { type BenchContext, expectOk } from './lib/context.js';
import { runBmeter } from './lib/spawn.js';
import { startSimHost } from './lib/sim-host.js';
import { figure, type Figure } from './lib/stats.js';

export interface ScanFigures {
  timeScale: number;
  findAt4Ms: Figure;
  findAt5Ms: Figure;
  findAt6Ms: Figure;
  fixed6Ms: Figure;
  ratio4: Figure;
}

export async function scanCases(ctx: BenchContext, runs: number, timeScale: number): Promise<ScanFigures> {
  const once = async (findAt: number, extra: string[] = []): Promise<number> => {
    const host = await startSimHost(ctx.root, { findAt, timeScale });
    try {
      const run = await runBmeter(
        ctx.bin,
        ['scan', '--port', host.port, '--log-level', 'silent', '--scan-file', `${ctx.tmp}/scan-bench.json`, ...extra],
        {
          env: ctx.env,
          cwd: ctx.tmp,
        },
      );
      expectOk(`bmeter scan (findAt ${findAt})`, run);
      return run.exitMs;
    } finally {
      await host.close();
    }
  };
  const at4: number[] = [];
  const at5: number[] = [];
  const at6: number[] = [];
  const fixed: number[] = [];
  for (let i = 0; i < runs; i++) {
    at4.push(await once(4));
    at5.push(await once(5));
    at6.push(await once(6));
    fixed.push(await once(4, ['--min-duration', '6', '--max-duration', '6']));
    ctx.log(
      `scan run ${i + 1}: d4 ${at4[i]?.toFixed(0)} ms, d5 ${at5[i]?.toFixed(0)} ms, d6 ${at6[i]?.toFixed(0)} ms, fixed 6 ${fixed[i]?.toFixed(0)} ms`,
    );
  }
  return {
    timeScale,
    findAt4Ms: figure(at4, 'ms'),
    findAt5Ms: figure(at5, 'ms'),
    findAt6Ms: figure(at6, 'ms'),
    fixed6Ms: figure(fixed, 'ms'),
    ratio4: figure(
      at4.map((v, i) => v / (fixed[i] ?? NaN)),
      '×',
    ),
  };
}
