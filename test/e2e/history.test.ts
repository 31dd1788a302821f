/**
 * `bmeter history` end to end: the built CLI against `bmeter simulate --pty` (the suite's target)
 * with the sim clock frozen (`clock=`), so every slot is checked against the simulator's own model
 * (MeterValues built with the same options and start instant; E1 0.1 kWh, D3 1, D7 6 digits), by
 * hand. The scan file is this run's scan of a simulator with the same options (helpers/scanned.ts).
 * Both need the simulator (its frozen clock, its Release F meter); on a real stick they are skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MeterValues } from '../../src/sim/meter-values.js';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { scannedPty } from './helpers/scanned.js';
import { TARGET } from './helpers/target.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const CLOCK = '2024-05-01T12:10:00+09:00';
const HALF = 30 * 60_000;
const COLUMNS = ['slot_start', 'energy_normal_kwh', 'energy_reverse_kwh', 'consumed_kwh', 'exported_kwh'];

const p2 = (n: number): string => String(n).padStart(2, '0');
function jst(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:00+09:00`;
}

test(
  'history: a 3-day CSV backfill matches the simulated meter slot by slot, and --since auto run again appends nothing',
  { skip: TARGET.needsSimulator, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const simArgs = ['--time-scale', '0.001', '--rtt-ms', '5', '--sim', `clock=${CLOCK}&pv=1`];
    const sim = await TARGET.port(dir, simArgs);
    t.after(() => sim.stop());
    const common = ['--port', sim.path, '--scan-file', dir.file('scan.json')];
    const opts = { env: CREDENTIALS, cwd: dir.path, timeoutMs: 60_000 };
    await scannedPty(simArgs, dir.file('scan.json'), async () => {
      const scan = await runBmeter(['scan', ...common], opts);
      assert.equal(scan.code, 0, describeRun(scan));
    });

    const csv = dir.file('halfhours.csv');
    const first = await runBmeter(
      ['history', ...common, '--days', '3', '--since', 'auto', '--format', 'csv', '--output', csv],
      opts,
    );
    assert.equal(first.code, 0, describeRun(first));
    assert.equal(first.stdout, '', 'records go to the file');
    assert.ok(!first.stderr.includes('\r'), 'no progress bar when stderr is not a terminal');

    // The simulator's own model at the same frozen instant and options (defaults of src/sim/options.ts).
    const model = new MeterValues(
      { pv: true, wiring: '1p3w', initialKwh: 12345.6, coefficient: 1, seed: 1 },
      Date.parse(CLOCK),
    );
    const start = Date.parse('2024-04-29T00:00:00+09:00');
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
    assert.equal(rows[0], COLUMNS.join(','));
    assert.equal(rows.length, 1 + 48 + 48 + 25, 'three days up to 12:00 today; 12:30 and later are future');
    const diff = (now: number, before: number): string => String(((now - before + 1_000_000) % 1_000_000) / 10);
    rows.slice(1).forEach((row, i) => {
      const ms = start + i * HALF;
      const n = model.normalRaw(ms);
      const r = model.reverseRaw(ms);
      const expected = [
        jst(ms),
        String(n / 10),
        String(r / 10),
        i === 0 ? '' : diff(n, model.normalRaw(ms - HALF)),
        i === 0 ? '' : diff(r, model.reverseRaw(ms - HALF)),
      ];
      assert.equal(row, expected.join(','), `slot ${i}`);
    });

    const again = await runBmeter(
      ['history', ...common, '--since', 'auto', '--format', 'csv', '--output', csv, '--log-level', 'debug'],
      opts,
    );
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stderr, /kept PANA session/, 'the second run reads on the kept session');
    assert.equal(
      readFileSync(csv, 'utf8').trimEnd().split('\n').length,
      rows.length,
      'nothing appended the second time',
    );
    for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD]) {
      assert.ok(!(first.stderr + again.stderr).includes(secret), 'no credential in the logs');
    }
  },
);

test(
  'history --resolution 1m on a Release F meter exits 1 naming the missing EPCs',
  { skip: TARGET.needsSimulator, timeout: 60_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const simArgs = ['--time-scale', '0.001', '--rtt-ms', '5', '--sim', `clock=${CLOCK}`];
    const sim = await TARGET.port(dir, simArgs);
    t.after(() => sim.stop());
    const common = ['--port', sim.path, '--scan-file', dir.file('scan.json')];
    const opts = { env: CREDENTIALS, cwd: dir.path, timeoutMs: 60_000 };
    await scannedPty(simArgs, dir.file('scan.json'), async () => {
      assert.equal((await runBmeter(['scan', ...common], opts)).code, 0);
    });
    const run = await runBmeter(['history', ...common, '--resolution', '1m', '--format', 'json'], opts);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /D0, EE, EF/);
    assert.equal(run.stdout, '');
  },
);
