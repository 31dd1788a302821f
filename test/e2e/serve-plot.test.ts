/**
 * The store `bmeter serve` fills, drawn by `bmeter plot --db` as the README shows, both on the Node
 * with node:sqlite: serve on the built-in simulator with its clock frozen at 12:10 (Japan time)
 * backfills that day's half hours, and the SVG holds one bar per value, counted by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { countMarks } from '../fixtures/svg-marks.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { NEEDS_SERVE_NODE, SERVE_NODE } from './helpers/serve-node.js';
import { scanned } from './helpers/scanned.js';
import { startServe } from './helpers/serve-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const RUN = { env: CREDENTIALS, ...(SERVE_NODE !== undefined && { node: SERVE_NODE }) };
const SIM = 'sim://?clock=2024-05-01T12:10:00%2B09:00';

test(
  'plot --db draws the half hours serve backfilled, with nothing on stderr (no Node SQLite warning)',
  { skip: NEEDS_SERVE_NODE, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const common = await scanned(dir, SIM);
    const serve = startServe(t, [...common, '--interval', '0.5', '--history-days', '1', '--quiet', '-v'], {
      ...RUN,
      cwd: dir.path,
    });
    await serve.until('the backfill', () => serve.proc.stderr().includes('half-hour record fetched'));
    const stopped = await serve.proc.stop(15_000);
    assert.equal(stopped.code, 0, describeRun(stopped));
    assert.equal(stopped.stdout, '', '--quiet prints no record');

    const plot = await runBmeter(
      [
        'plot',
        '--db',
        'bmeter.db',
        '--chart',
        'half-hours',
        '--from',
        '2024-05-01',
        '--to',
        '2024-05-02',
        '--out',
        'today.svg',
      ],
      { ...RUN, cwd: dir.path },
    );
    assert.equal(plot.code, 0, describeRun(plot));
    assert.equal(plot.stderr, '');
    // 00:00 … 12:00 stored; 00:30 … 12:00 (24 half hours) have bought and sold (0 kWh) values: 48 bars.
    assert.equal(countMarks(readFileSync(dir.file('today.svg'), 'utf8'), 'rect'), 48);
  },
);
