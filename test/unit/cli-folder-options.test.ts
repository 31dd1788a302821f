/**
 * A file option given a folder is refused in one line naming the option, exit 2, before anything is
 * opened or written — for every command and every file option; and the openers refuse a folder that
 * came from elsewhere (the environment, the defaults) the same way.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { BmeterError } from '../../src/errors.js';
import { FileTarget } from '../../src/output/file-target.js';
import { openStore } from '../../src/output/store/store.js';
import { readScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const CASES: [string[], string][] = [
  [['plot', '--db', 'dd', '--out', 'x.svg'], '--db dd'],
  [['plot', '--input', 'dd', '--out', 'x.svg'], '--input dd'],
  [['poll', '--output', 'dd'], '--output dd'],
  [['history', '--output', 'dd'], '--output dd'],
  [['poll', '--db', 'dd'], '--db dd'],
  [['history', '--db', 'dd'], '--db dd'],
  [['serve', '--db', 'dd'], '--db dd'],
  [['poll', '--metrics-file', 'dd'], '--metrics-file dd'],
  [['--config', 'dd', 'poll'], '--config dd'],
  [['--scan-file', 'dd', 'scan'], '--scan-file dd'],
  [['poll', '--output', 'link'], '--output link'],
];

for (const [argv, what] of CASES) {
  test(`bmeter ${argv.join(' ')} exits 2: ${what} is a folder`, async (t) => {
    const dir = tempDirFor(t);
    mkdirSync(dir.file('dd'));
    symlinkSync('dd', dir.file('link'));
    const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
    assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', `bmeter: ${what} is a folder: name a file\n`]);
    assert.deepEqual(run.ports, [], 'no port opened');
    assert.deepEqual(readdirSync(dir.path).sort(), ['dd', 'link'], 'nothing written');
    assert.deepEqual(readdirSync(dir.file('dd')), [], 'nothing written in the folder');
  });
}

const usage = (message: string) => (err: unknown) =>
  err instanceof BmeterError && err.exitCode === 2 && err.message === message;

test('the openers refuse a folder from the environment or the defaults, naming it', async (t) => {
  const dir = tempDirFor(t);
  mkdirSync(dir.file('bmeter.config.json'));
  assert.throws(
    () => loadConfig({ flags: {}, env: {}, cwd: dir.path }),
    usage(`config file ${dir.file('bmeter.config.json')} is a folder: name a file (--config or BMETER_CONFIG)`),
  );
  await assert.rejects(
    readScanFile(dir.path),
    usage(`the scan file ${dir.path} is a folder: name a file (--scan-file or BMETER_SCAN_FILE)`),
  );
  await assert.rejects(FileTarget.open(dir.path), usage(`--output ${dir.path} is a folder: name a file`));
  const DatabaseSync = class {
    constructor() {
      throw new Error('SQLite was reached');
    }
  } as unknown as Parameters<typeof openStore>[1]['DatabaseSync'];
  mkdirSync(dir.file('bmeter.db'));
  assert.throws(
    () => openStore(dir.file('bmeter.db'), { DatabaseSync, lock: { pid: process.pid, isAlive: () => true } }),
    usage(`--db ${dir.file('bmeter.db')} is a folder: name a file`),
  );
  assert.deepEqual(readdirSync(dir.path).sort(), ['bmeter.config.json', 'bmeter.db'], 'no lock file made');
});
