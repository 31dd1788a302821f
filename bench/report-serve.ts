/** The `bmeter serve` section of BENCHMARKS.md, from bench/results/serve.json. */
import type { ServeFigures } from './cases-serve.js';

const f = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const ok = (pass: boolean): string => (pass ? ' ✅' : ' ❌');

/** At most 7 values, evenly picked, first and last included. */
function every(values: number[]): string {
  if (values.length <= 7) return values.map((v) => f(v, 1)).join(' → ');
  const picks = Array.from({ length: 7 }, (_, i) => values[Math.round((i * (values.length - 1)) / 6)] ?? NaN);
  return picks.map((v) => f(v, 1)).join(' → ');
}

export function renderServeSection(s: ServeFigures | undefined): string {
  if (s === undefined) return '';
  const { day, run } = s;
  const rssEnd = day.memory.at(-1)?.rssMiB ?? NaN;
  const lines = [
    '## `bmeter serve`: a day of one-second readings',
    '',
    `Measured with \`npm run bench\` (\`BENCH_ONLY=serve\`, Node ${s.node}: node:sqlite). A simulated day of serve itself`,
    'would be 86,400 Get round trips, longer than a bench run on this machine, so the store and the API are measured',
    'directly (bench/serve-day.ts: the real SqliteStore and HTTP listener, one committed insert per reading as serve',
    'makes them) and serve itself runs against `bmeter simulate --listen` (its own process) for a shorter time',
    '(bench/serve-run.ts, a 20 ms interval: about 50 readings a second). serve-day runs as plain JavaScript (the bench',
    "transpiles it): run as TypeScript, Node's type stripping added ~13 MiB of its own to the RSS figures (on",
    '2026-11-30: 78.8 → 85.1 MiB, over the target, for the same store and listener).',
    '',
    '| What | Target | Measured |',
    '|---|---|---|',
    `| store write per reading (one committed INSERT, WAL, synchronous=NORMAL), median | ≤ 1 ms | ${f(day.writeMedianMs)} ms${ok(day.writeMedianMs <= 1)} |`,
    `| store write per reading, p99 / max | — | ${f(day.writeP99Ms)} ms / ${f(day.writeMaxMs, 1)} ms |`,
    `| readings stored / written (86,400) | 100 % | ${day.stored} / ${day.readings} |`,
    `| file size per 10,000 readings (indexes included) | — | ${f(day.bytesPer10k / 1024 / 1024, 2)} MiB |`,
    `| heapUsed after gc at 0, 21,600 … 86,400 readings | no growth | ${day.memory.map((m) => f(m.heapUsedMiB, 1)).join(' → ')} MiB |`,
    `| RSS at the same points (store + listener process) | ≤ 80 MiB | ${day.memory.map((m) => f(m.rssMiB, 1)).join(' → ')} MiB${ok(rssEnd <= 80)} |`,
    `| \`/api/half-hours\`, 100 days (4,800 slots, limit 10000), request → parsed JSON, median / max of 21 | ≤ 50 ms | ${f(day.halfHoursQueryMedianMs, 1)} / ${f(day.halfHoursQueryMaxMs, 1)} ms${ok(day.halfHoursQueryMedianMs <= 50)} |`,
    `| \`/api/readings\`, one page of 10,000 readings, median of 11 | — | ${f(day.readingsDayPageMedianMs, 1)} ms |`,
    `| \`bmeter serve\` against \`bmeter simulate --listen\` (interval 20 ms, ${run.seconds} s): readings committed / taken / printed | 100 % | ${run.committed} / ${run.taken} / ${run.printed}${ok(run.committed === run.taken && run.taken === run.printed)} |`,
    `| \`bmeter serve\`: heapUsed after gc, every ${(run.seconds / Math.max(1, run.afterGc.length)).toFixed(0)} s | no growth | ${every(run.afterGc.map((m) => m.heapUsedMiB))} MiB |`,
    `| \`bmeter serve\`: RSS after gc, same points | ≤ 80 MiB | ${every(run.afterGc.map((m) => m.rssMiB))} MiB${ok(Math.max(...run.afterGc.map((m) => m.rssMiB)) <= 80)} |`,
    '',
  ];
  return lines.join('\n');
}
