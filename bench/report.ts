/** BENCHMARKS.md from the stored results: method, machine, and every figure before / after. */
import type { PollFigures } from './cases-poll.js';
import type { ScanFigures } from './cases-scan.js';
import type { StartFigures } from './cases-start.js';
import type { Machine } from './lib/machine.js';
import { show, type Figure } from './lib/stats.js';
import type { MemorySample, SoakResult } from './soak.js';

import type { SeeFigures } from './cases-see.js';

export interface BenchResults {
  label: string;
  root: string;
  machine: Machine;
  start?: StartFigures;
  poll?: PollFigures;
  scan?: ScanFigures;
  soak?: SoakResult;
  see?: SeeFigures;
}

interface Row {
  what: string;
  target: string;
  pick: (r: BenchResults) => Figure | string | undefined;
  /** Whether a median meets the target (undefined: no target). */
  meets?: (median: number) => boolean;
}

/** "8.5 → 8.9 → 9.1 → 8.8 MiB" over the soak's checkpoints. */
const mem = (s: SoakResult, key: keyof MemorySample): string =>
  `${s.memory.map((m) => (m[key] as number).toFixed(1)).join(' → ')} MiB`;

const ROWS: Row[] = [
  {
    what: 'SKSENDTO per reading, `poll --interval 2 --count 6` (first reading included)',
    target: '1',
    pick: (r) => r.poll?.sendTosPerReadingInterval,
    meets: (m) => m <= 1,
  },
  {
    what: 'SKSENDTO per cron `poll`, kept session',
    target: '1',
    pick: (r) => r.poll?.sendTosPerCronKept,
    meets: (m) => m <= 1,
  },
  {
    what: 'SKSENDTO per cron `poll` that must join',
    target: '1',
    pick: (r) => r.poll?.sendTosPerCronJoin,
    meets: (m) => m <= 1,
  },
  {
    what: 'one `--interval` reading ÷ meter round trip (1.0 s)',
    target: '≤ 1.1×',
    pick: (r) => r.poll?.intervalReadingRatio,
    meets: (m) => m <= 1.1,
  },
  { what: 'one `--interval` reading, Get → record', target: '≤ 1100 ms', pick: (r) => r.poll?.intervalReadingMs },
  {
    what: 'cron `poll`, process start → record, kept session',
    target: '≤ 1500 ms',
    pick: (r) => r.poll?.cronKeptMs,
    meets: (m) => m <= 1500,
  },
  {
    what: 'cron `poll`, process start → record, must join (fresh stick)',
    target: '—',
    pick: (r) => r.poll?.cronJoinMs,
  },
  { what: '`bmeter scan`, meter heard from d=4', target: '—', pick: (r) => r.scan?.findAt4Ms },
  { what: '`bmeter scan`, meter heard from d=5', target: '—', pick: (r) => r.scan?.findAt5Ms },
  { what: '`bmeter scan`, meter heard from d=6', target: '—', pick: (r) => r.scan?.findAt6Ms },
  {
    what: '`bmeter scan --min-duration 6 --max-duration 6` (meter at d=4)',
    target: '—',
    pick: (r) => r.scan?.fixed6Ms,
  },
  { what: 'scan d=4 ÷ fixed d=6 scan', target: '≤ 0.35×', pick: (r) => r.scan?.ratio4, meets: (m) => m <= 0.35 },
  { what: '`node -e 0` (baseline)', target: '—', pick: (r) => r.start?.nodeMs },
  { what: '`bmeter --version`', target: '—', pick: (r) => r.start?.versionMs },
  {
    what: '`bmeter --version` ÷ `node -e 0`',
    target: '≤ 1.3×',
    pick: (r) => r.start?.versionRatio,
    meets: (m) => m <= 1.3,
  },
  { what: '`bmeter --help`', target: '—', pick: (r) => r.start?.helpMs },
  { what: '`bmeter poll`: process start → first byte on the port', target: '—', pick: (r) => r.start?.firstByteMs },
  { what: 'first byte ÷ `node -e 0`', target: '≤ 1.8×', pick: (r) => r.start?.firstByteRatio, meets: (m) => m <= 1.8 },
  {
    what: 'cron `poll` peak RSS (`/usr/bin/time -f %M`)',
    target: '≤ 60 MiB',
    pick: (r) => r.poll?.pollMaxRssMiB,
    meets: (m) => m <= 60,
  },
  {
    what: 'soak: readings recorded / attempted',
    target: '100 %',
    pick: (r) => r.soak && `${r.soak.records} / ${r.soak.readings} (${(r.soak.successRate * 100).toFixed(2)} %)`,
  },
  { what: 'soak: readings lost (failed)', target: '0', pick: (r) => r.soak && String(r.soak.failed) },
  {
    what: 'soak: records with E8 null (Get_SNA faults)',
    target: '= sna faults',
    pick: (r) => r.soak && `${r.soak.partial} (sna faults: ${r.soak.faults['sna:E8'] ?? 0})`,
  },
  {
    what: 'soak: SKSENDTO per reading (faults cause retries)',
    target: '—',
    pick: (r) => r.soak && (r.soak.requests / r.soak.readings).toFixed(3),
  },
  {
    what: 'soak: heapUsed after gc at the checkpoints',
    target: 'no growth',
    pick: (r) => r.soak && `${mem(r.soak, 'heapUsedMiB')} (at ${r.soak.memory.map((m) => m.readings).join(', ')})`,
  },
  { what: 'soak: RSS at the same checkpoints', target: 'no growth', pick: (r) => r.soak && mem(r.soak, 'rssMiB') },
  {
    what: 'soak: CPU time per reading (client + in-process sim)',
    target: '—',
    pick: (r) => r.soak && `${r.soak.cpuMsPerReading.toFixed(2)} ms`,
  },
  { what: 'soak: wall time', target: '< 5 min', pick: (r) => r.soak && `${(r.soak.wallMs / 1000).toFixed(1)} s` },
];

function cell(r: BenchResults | undefined, row: Row): string {
  if (r === undefined) return '—';
  const v = row.pick(r);
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  const mark = row.meets === undefined || !Number.isFinite(v.median) ? '' : row.meets(v.median) ? ' ✅' : ' ❌';
  return `${show(v)}${mark}`;
}

function machineLine(m: Machine | undefined, label: string): string {
  if (m === undefined) return '';
  return `- ${label}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}, measured ${m.date}\n`;
}

export function renderReport(before: BenchResults | undefined, after: BenchResults | undefined): string {
  const scale = after?.scan?.timeScale ?? before?.scan?.timeScale ?? 1;
  const lines = [
    '# bmeter benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); the figures of each run are kept in bench/results/<label>.json.',
    '"before" is the first measurement, of the tree as it was when the work on speed began; "after" is the current tree.',
    'Each cell: median (min–max, n = runs). ✅/❌: the median against the target.',
    '',
    '## Machine',
    '',
    machineLine(before?.machine, 'before') + machineLine(after?.machine, 'after'),
    '## Method',
    '',
    "- Every figure about a user command spawns `node bin/bmeter.js …` with the simulator's demo credentials in the environment and a saved scan file (`BMETER_SCAN_FILE`).",
    '- The stick is the built-in simulator, served over TCP from the bench process (what `bmeter simulate --listen` does) with a realistic meter round trip (`rttMs=1000`) and real scan/PANA timing (`timeScale=1`). The same stick instance serves consecutive runs, so its PANA session survives between cron runs like a powered stick; "must join" runs power-cycle it first (session and registers forgotten).',
    "- Round trips: every SKSENDTO the stick accepts is counted by wrapping the simulator session's `send`.",
    "- `--interval` reading: from the reading's `Get` debug log line (`-vv`, written as the slot fires, right before SKSENDTO) to the record's arrival on stdout; readings 2–6 of a `poll --interval 2 --count 6` run (the first may carry the join).",
    '- Cron `poll`: from just before `spawn()` to the record on stdout; 5 runs must join, then 5 run on the kept session.',
    `- Scan: \`bmeter scan\` against a fresh stick whose meter answers from duration 4, 5 or 6 (default escalation 4→7), and a fixed \`--min-duration 6 --max-duration 6\` scan for a meter heard at 4; timeScale ${scale}${scale === 1 ? ' (real scan timing: d=4 ≈ 4.6 s, d=6 ≈ 17.5 s)' : ' (the ratio is then pessimistic: start-up does not scale)'}; process start → exit.`,
    "- Start-up: `node -e 0`, `bmeter --version`, `bmeter --help` and `bmeter poll --port tcp://127.0.0.1:<port>` interleaved, one warm-up round not counted. The first byte is timed by a TCP server in the bench that closes the connection on it. Ratios are taken per round against that round's `node -e 0`.",
    '- Peak RSS: `/usr/bin/time -f %M` around a cron `poll` on the kept session (3 runs).',
    '- Soak (bench/soak.ts, its own process with `--expose-gc`): 10,000 back-to-back readings (`runPoll`, `--interval 0 --count 10000` equivalent) against the in-process simulator (rttMs 1, timeScale 0.001), 5 % of request numbers faulted (drop, EVENT 29, Get_SNA of E8, garbage line; equal parts, seeded), response timeout 100 ms. Memory sampled after `gc()`.',
    '',
    '## What changed for a fast start',
    '',
    'The start-up ratios of the intermediate steps come from the start section alone (`BENCH_ONLY=start BENCH_LABEL=probe`, 3–7 rounds) taken during the work on a shared machine, sometimes loaded: they show the direction; the table below is the measurement.',
    '',
    '| Step | first byte ÷ `node -e 0` | `--version` ÷ `node -e 0` |',
    '|---|---|---|',
    '| before | 4.4× | 4.6× |',
    '| 1. load only the module of the command being run (src/cli/argv.ts, program.ts); a lone `--version` answered by bin/bmeter.js; esbuild bundle made by `npm run build` | 3.3× | 1.27× |',
    '| 2. no zod for a plainly valid config or scan file (config/quick-parse.ts, scan/file-check.ts; zod still words every error) | 2.3× | — |',
    '| 3. minified bundle (whitespace, syntax) | 2.1× (loaded machine) | — |',
    '| 4. pino loaded only when a line is logged (createLazyLogger); node:crypto only when the scan file is written; process.stdin only when read | 1.86× (quiet) | 1.25× |',
    '| 5. one CommonJS bundle (dist/bmeter.cjs) and a CommonJS launcher (bin/package.json): no ES-module loader, 3 files read | 1.54× (quiet) | 1.12× |',
    "| 6. V8 code cache of the bundle (dist/bmeter.cjs.cache), made by `npm run build` after running a poll up to its first byte and read by bin/load-bundle.js (vm.Script with cachedData; a missing, damaged, foreign or rejected cache is ignored); commander's node:child_process loaded on first use | 1.68× (quiet, Xeon; the tree before it: 2.2–2.45× there, see Notes) | — |",
    '',
    'At open, the SKSTACK client drained for a fixed 150 ms after its CRLF; it now stops after 40 ms without input (150 ms at most), which takes ~110 ms off every run after its first byte (cron poll on a kept session: ~1.45 s → ~1.2 s with a 1 s meter round trip). Round trips were already 1 per reading (the first Get carries D3/D7/E1 too) and the scan escalation already met its target; test/integration/round-trips.test.ts now guards the first.',
    '',
    '## Figures',
    '',
    '| What | Target | Before | After |',
    '|---|---|---|---|',
    ...ROWS.map((row) => `| ${row.what} | ${row.target} | ${cell(before, row)} | ${cell(after, row)} |`),
    '',
    '## Notes',
    '',
    '- "before" is a copy of bin/ and dist/ taken before the first change (`BENCH_ROOT=<copy> BENCH_LABEL=before`), so both columns ran the same bench on the same machine; its start and poll sections were measured again at a quiet moment, like the "after" ones. The machine is shared by other work: start-up times in single rounds vary by tens of ms, so compare medians and ratios.',
    "- Soak memory: the heap levels off after a few thousand readings (no per-reading retention); RSS moves with V8's and the allocator's free pools. A 30,000-reading run of bench/soak.ts on the after tree gave heapUsed 8.5 → 8.9 → 9.1 → 8.8 MiB and RSS 105 → 107 → 120 → 115 MiB at 1,000 / 2,000 / 5,000 / 30,000 readings: no trend.",
    '- Soak CPU per reading includes the in-process simulator and varies ±15 % between runs on this machine (0.40–0.54 ms seen for the same tree).',
    '- The "before" column was measured on an AMD EPYC, the "after" column (from 2026-11-30, after the restructuring, serve, MQTT, plot and the field-fault work) on an Intel Xeon where `node -e 0` is ~35 ms instead of ~65 ms: a fixed start-up cost weighs twice as much in the ratio there. On this Xeon the tree of 2026-11-29 (commit f776c0f) gave first byte ÷ `node -e 0` = 1.9× (76 ms ÷ 40 ms, n=7) and the tree before step 6 2.0–2.2× (bundle minified, 314 kB: requiring it cost ~17 ms, most of it V8 compiling it; interleaved against f776c0f with the `node bench/first-byte-ab.mjs <old checkout> .` of then, which passed on the environment of its shell: 1.42× and 1.55×, probably flattened by NODE_EXTRA_CA_CERTS, see below), over the 1.8× target.' +
      ' Step 6 takes that compile, and that of the functions a start runs, off every start. Interleaved round by round against a copy of bin/, dist/ and package.json from just before it (`node bench/first-byte-ab.mjs <copy> .`, 21 rounds a run, ten runs on 2026-11-30 with the machine otherwise idle, `node -e 0` 29–35 ms): 2.22–2.45× before, 1.61–1.84× after (first byte ~65–83 ms → ~47–64 ms). The whole "after" column is one `npm run bench` after step 6 (first byte 1.56×; a start-only run just before gave 1.68×). The target is met on this Xeon too, by a small margin: a single run moves by ±0.1×. Measure in a clean environment (as bench/run.ts and first-byte-ab.mjs do): NODE_EXTRA_CA_CERTS, set in some shells, makes every node start read a CA bundle (~40 ms here, `node -e 0` included), which flattens every ratio.',
    '',
  ];
  return lines.join('\n');
}
