/**
 * `bmeter poll` end to end: the built CLI against `bmeter simulate --pty` (socat pty, real
 * serialport stack), single-stack with hex ERXUDP and dual-stack with binary ERXUDP.
 *
 * Expected values are worked out by hand (helpers/meter-answer.ts) from the bytes the simulated
 * meter sent (the trace log shows every ECHONET answer as hex) — never with our decoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { expectedFrom, meterAnswer } from './helpers/meter-answer.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { startPtySimulator } from './helpers/simulator.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const FIELDS = [
  'timestamp', 'power_w', 'current_r_a', 'current_t_a', 'energy_normal_kwh', 'energy_reverse_kwh',
  'fixed_normal_at', 'fixed_normal_kwh', 'fixed_reverse_at', 'fixed_reverse_kwh',
];

function hexOf(text: string): string[] {
  const hex = Buffer.from(text, 'latin1').toString('hex');
  return [hex.toUpperCase(), hex.toLowerCase()];
}

const VARIANTS = [
  { dialect: 'single', erxudp: 'hex' },
  { dialect: 'dual', erxudp: 'binary' },
] as const;

for (const { dialect, erxudp } of VARIANTS) {
  test(`poll on a ${dialect}-stack stick with ${erxudp} ERXUDP: JSON and CSV values match the meter, the next poll reuses the session, no secret in any output`, { timeout: 90_000 }, async (t) => {
    const dir = tempDirFor(t);
    const sim = await startPtySimulator(dir.file('tty'), ['--dialect', dialect, '--erxudp', erxudp]);
    t.after(() => sim.stop());
    const common = ['--port', sim.path, '--scan-file', dir.file('scan.json')];
    const opts = { env: CREDENTIALS, cwd: dir.path, timeoutMs: 60_000 };

    const scan = await runBmeter(['scan', ...common], opts);
    assert.equal(scan.code, 0, describeRun(scan));

    // 1) JSON, at trace level: joins (SKSETPWD, SKSETRBID, SKJOIN on the wire) and leaks nothing
    const json = await runBmeter(['poll', ...common, '--format', 'json', '--log-level', 'trace'], opts);
    assert.equal(json.code, 0, describeRun(json));
    const lines = json.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one reading');
    const record = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(record), [...FIELDS, 'source'], 'the record fields in order, then source');
    assert.equal(record['source'], 'poll');
    for (const [key, value] of Object.entries(expectedFrom(meterAnswer(json.stderr)))) assert.equal(record[key], value, key);
    assert.match(json.stderr, /"tx":"SKJOIN/, 'the first poll joined');
    const everything = json.stdout + json.stderr + scan.stdout + scan.stderr;
    for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD]) {
      for (const form of [secret, ...hexOf(secret)]) {
        assert.ok(!everything.includes(form), `a credential (${form === secret ? 'plain' : 'hex'}) reached the output`);
      }
    }

    // 2) CSV appended to a file, twice: header once, values as above, and no SKJOIN (kept session)
    const csvFile = dir.file('readings.csv');
    const expected: Record<string, unknown>[] = [];
    for (let i = 0; i < 2; i++) {
      const csv = await runBmeter(['poll', ...common, '--format', 'csv', '--output', csvFile, '--log-level', 'trace'], opts);
      assert.equal(csv.code, 0, describeRun(csv));
      assert.equal(csv.stdout, '', 'records go to the file, not stdout');
      assert.doesNotMatch(csv.stderr, /"tx":"SKJOIN/, 'a poll on the kept session does no SKJOIN');
      assert.match(csv.stderr, /"tx":"SKSENDTO/);
      expected.push(expectedFrom(meterAnswer(csv.stderr)));
    }
    const rows = readFileSync(csvFile, 'utf8').trimEnd().split('\n');
    assert.equal(rows.length, 3, 'a header and two records');
    assert.equal(rows[0], FIELDS.join(','), 'the CSV header is exactly the record fields, no source column');
    for (const [n, row] of rows.slice(1).entries()) {
      const cells = row.split(',');
      const byName = Object.fromEntries(FIELDS.map((f, i) => [f, cells[i]]));
      assert.equal(cells.length, FIELDS.length);
      for (const [key, value] of Object.entries(expected[n] ?? {})) assert.equal(byName[key], String(value), key);
    }
  });
}
