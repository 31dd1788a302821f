/**
 * A file the user made read-only (chmod a-w) is not written by bmeter, also when it runs as root, whom the
 * permission bits do not stop: an --output to append to, a scan file `bmeter scan` would replace, a chart --force
 * would replace, a --db store. Each is refused with exit 2 naming the file, before the port is opened, and left as
 * it was. (A run whose rescan finds the meter moved keeps a read-only scan file too, and reads on:
 * moved-meter-scan-file-kept.test.ts.)
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { runProgram } from '../fixtures/run-program.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const HEADER =
  'timestamp,power_w,current_r_a,current_t_a,energy_normal_kwh,energy_reverse_kwh,fixed_normal_at,fixed_normal_kwh,fixed_reverse_at,fixed_reverse_kwh\n';

const refused = (what: string, path: string): string =>
  `bmeter: ${what} ${path} is read-only (no write permission): bmeter does not write to a file made read-only, ` +
  `even as root — make it writable (chmod u+w) or give another ${what}\n`;

const cases: {
  name: string;
  file: string;
  content: string;
  argv: (file: string) => string[];
  skip?: string | false;
}[] = [
  {
    name: 'poll --output',
    file: 'power.csv',
    content: HEADER,
    argv: (f) => ['poll', '--format', 'csv', '--output', f],
  },
  {
    name: 'scan --scan-file',
    file: 'my.scan.json',
    content: '{"version":1}\n',
    argv: (f) => ['scan', '--scan-file', f],
  },
  {
    name: 'plot --out --force',
    file: 'chart.svg',
    content: '<svg/>\n',
    argv: (f) => ['plot', '--input', 'in.csv', '--out', f, '--force'],
  },
  { name: 'poll --db', file: 'bmeter.db', content: '', argv: (f) => ['poll', '--db', f], skip: NEEDS_SQLITE },
];

for (const c of cases) {
  test(`${c.name} on a read-only file: exit 2, the file kept`, { skip: c.skip ?? false }, async (t) => {
    const dir = tempDirFor(t);
    const file = dir.file(c.file);
    writeFileSync(file, c.content);
    writeFileSync(dir.file('in.csv'), `${HEADER}2026-11-29T12:00:00.000+09:00,500,,,,,,,,\n`);
    await writeScanFile(dir.file('bmeter.scan.json'), SIM_SCAN_RESULT); // the meter poll would join
    chmodSync(file, 0o444);
    const what = c.name.split(' ')[1] ?? '';
    const run = await runProgram(c.argv(file), { cwd: dir.path, simUrl: 'sim://' });
    assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', refused(what, file)]);
    assert.deepEqual(run.ports, [], 'the port is not opened');
    assert.equal(readFileSync(file, 'utf8'), c.content);
  });
}
