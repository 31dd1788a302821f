/**
 * commander's own parse errors (a value a parser or .choices() refused, an unknown option or command, an
 * option without its value) are one line `bmeter: … (see --help)` with exit 2, like every other failure;
 * --help and --version still print on stdout and exit 0.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { runProgram } from '../fixtures/run-program.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const CASES: [string[], string][] = [
  [
    ['poll', '--interval', ''],
    "--interval '' is refused: --interval must be a number of seconds > 0 and at most 2147483 (24.8 days)",
  ],
  [['poll', '--format', ''], "--format '' is refused: it is one of text, json, csv"],
  [['plot', '--chart', ''], "--chart '' is refused: it is one of power, half-hours, daily"],
  [['plot', '--width', ''], "--width '' is refused: --width must be a whole number from 30 to 1000"],
  [['history', '--days', '101'], "--days '101' is refused: --days must be a whole number from 1 to 100"],
  [
    ['--log-level', 'loud', 'poll'],
    "--log-level 'loud' is refused: it is one of silent, fatal, error, warn, info, debug, trace",
  ],
  [['poll', '--bogus'], "unknown option '--bogus'"],
  [['history', '--dayz', '3'], "unknown option '--dayz'; did you mean one of --day, --days?"],
  [['pol'], "unknown command 'pol'; did you mean poll?"],
  [['poll', '--interval'], '--interval needs a value: <seconds>'],
  [['-p'], '--port needs a value: <port>'],
  [['scan', 'extra'], "too many arguments for 'scan'. Expected 0 arguments but got 1"],
];

for (const [argv, message] of CASES) {
  test(`bmeter ${argv.map((a) => (a === '' ? "''" : a)).join(' ')} exits 2 with one line: ${message}`, async (t) => {
    const dir = tempDirFor(t);
    const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
    assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', `bmeter: ${message} (see --help)\n`]);
    assert.deepEqual(run.ports, [], 'no port opened');
    assert.deepEqual(readdirSync(dir.path), [], 'no file written');
  });
}

for (const argv of [['--help'], ['poll', '--help'], ['--version'], ['help', 'history']]) {
  test(`bmeter ${argv.join(' ')} prints on stdout and exits 0`, async (t) => {
    const run = await runProgram(argv, { cwd: tempDirFor(t).path, simUrl: 'sim://' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, argv.includes('--version') ? /^\d+\.\d+\.\d+/ : /^Usage: bmeter/);
  });
}

const HISTORY_START = '(--since auto --days N: a new file starts N days back)';
for (const [argv, message] of [
  [['history', '--since', '2026-11-01', '--days', '3'], `give --since or --days, not both ${HISTORY_START}`],
  [
    ['history', '--since', 'auto', '--day', '1', '--format', 'csv', '--output', 'h.csv'],
    `give --since or --day, not both ${HISTORY_START}`,
  ],
] as const) {
  test(`bmeter ${argv.join(' ')} exits 2: two starts given`, async (t) => {
    const dir = tempDirFor(t);
    const run = await runProgram([...argv], { cwd: dir.path, simUrl: 'sim://' });
    assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', `bmeter: ${message}\n`]);
    assert.deepEqual(run.ports, [], 'no port opened');
    assert.deepEqual(readdirSync(dir.path), [], 'no file written');
  });
}
