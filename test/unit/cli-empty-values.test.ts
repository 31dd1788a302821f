/**
 * An option or argument given as an empty string (or only blanks) is refused before the command runs (exit 2, one line
 * naming it), for every command: it names a file, port, URL, level or frame, and '' is none of them.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { runProgram } from '../fixtures/run-program.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const CASES: [string[], string][] = [
  [['poll', '--output', ''], '--output was given an empty value: it takes <file> (see --help)'],
  [['--scan-file', '', 'poll'], '--scan-file was given an empty value: it takes <file> (see --help)'],
  [['poll', '--mqtt', ''], '--mqtt was given an empty value: it takes <url> (see --help)'],
  [['history', '--db', ''], '--db was given an empty value: it takes <file> (see --help)'],
  [['--port=', 'scan'], '--port was given an empty value: it takes <port> (see --help)'],
  [['plot', '--input', 'x.csv', '--out', ''], '--out was given an empty value: it takes <file> (see --help)'],
  [['simulate', '--pty', ''], '--pty was given an empty value: it takes <path> (see --help)'],
  [['serve', '--listen', ''], '--listen was given an empty value: it takes <host:port> (see --help)'],
  [
    ['decode', '1081000102880105FF017201E704000004A8', ''],
    'bmeter decode was given an empty argument: leave it out or give a value',
  ],
  [['decode', ' '], 'bmeter decode was given a blank argument (" "): leave it out or give a value'],
  [
    ['decode', '1081000102880105FF017201E704000004A8', '\t '],
    'bmeter decode was given a blank argument ("\\t "): leave it out or give a value',
  ],
  [['poll', '--output', ' '], '--output was given a blank value (" "): it takes <file> (see --help)'],
  [['--port', '  ', 'poll'], '--port was given a blank value ("  "): it takes <port> (see --help)'],
];

for (const [argv, message] of CASES) {
  test(`bmeter ${argv.map((a) => (a.trim() === '' ? JSON.stringify(a) : a)).join(' ')} exits 2: ${message.split(':')[0]}`, async (t) => {
    const dir = tempDirFor(t);
    const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
    assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', `bmeter: ${message}\n`]);
    assert.deepEqual(run.ports, [], 'no port opened');
    assert.deepEqual(readdirSync(dir.path), [], 'no file written');
  });
}
