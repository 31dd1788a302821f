/**
 * `bmeter poll` end to end: the built CLI over the real serialport stack against the suite's target
 * (helpers/target.ts). On the simulator it runs twice, single-stack with hex ERXUDP and dual-stack
 * with binary ERXUDP; on a real stick once, as the stick is.
 *
 * Expected values are worked out by hand in this file from the bytes the simulated meter sent
 * (the trace log shows every ECHONET answer as hex): E7 s32 W, E8 2 × s16 0.1 A, E0/E3 u32 ×
 * coefficient (D3) × unit (E1), EA/EB date-time + u32 (docs/protocol.md §8) — never with our decoder.
 */
import { expectedFrom, meterAnswer } from './helpers/meter-answer.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { TARGET } from './helpers/target.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = TARGET.credentials;
const SECRETS = [CREDENTIALS.BMETER_ROUTEB_ID, CREDENTIALS.BMETER_ROUTEB_PASSWORD];
const FIELDS = [
  'timestamp',
  'power_w',
  'current_r_a',
  'current_t_a',
  'energy_normal_kwh',
  'energy_reverse_kwh',
  'fixed_normal_at',
  'fixed_normal_kwh',
  'fixed_reverse_at',
  'fixed_reverse_kwh',
];

function hexOf(text: string): string[] {
  const hex = Buffer.from(text, 'latin1').toString('hex');
  return [hex.toUpperCase(), hex.toLowerCase()];
}

const VARIANTS =
  TARGET.kind === 'simulator'
    ? [
        { name: 'a single-stack stick with hex ERXUDP', simArgs: ['--dialect', 'single', '--erxudp', 'hex'] },
        { name: 'a dual-stack stick with binary ERXUDP', simArgs: ['--dialect', 'dual', '--erxudp', 'binary'] },
      ]
    : [{ name: 'the stick', simArgs: [] }];

for (const { name, simArgs } of VARIANTS) {
  test(
    `poll on ${name}: JSON and CSV values match the meter, the next poll reuses the session, no secret in any output`,
    { timeout: TARGET.ms(90_000) },
    async (t) => {
      const dir = tempDirFor(t);
      const port = await TARGET.port(dir, simArgs);
      t.after(() => port.stop());
      const common = ['--port', port.path, '--scan-file', dir.file('scan.json')];
      const opts = { env: CREDENTIALS, cwd: dir.path, timeoutMs: TARGET.ms(60_000) };

      const scan = await runBmeter(['scan', ...TARGET.scanArgs, ...common], opts);
      assert.equal(scan.code, 0, describeRun(scan));

      // 1) JSON, at trace level: joins (SKSETPWD, SKSETRBID, SKJOIN on the wire) and leaks nothing
      const json = await runBmeter(['poll', ...common, '--format', 'json', '--log-level', 'trace'], opts);
      assert.equal(json.code, 0, describeRun(json));
      const lines = json.stdout.trim().split('\n');
      assert.equal(lines.length, 1, 'one reading');
      const record = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
      assert.deepEqual(Object.keys(record), [...FIELDS, 'source'], 'the record fields in order, then source');
      assert.equal(record['source'], 'poll');
      for (const [key, value] of Object.entries(expectedFrom(meterAnswer(json.stderr))))
        assert.equal(record[key], value, key);
      // A fresh stick has no session to keep; a real one may still hold the session of an earlier test.
      if (TARGET.freshStickPerTest) assert.match(json.stderr, /"tx":"SKJOIN/, 'the first poll joined');
      const everything = json.stdout + json.stderr + scan.stdout + scan.stderr;
      for (const secret of SECRETS) {
        for (const form of [secret, ...hexOf(secret)]) {
          assert.ok(
            !everything.includes(form),
            `a credential (${form === secret ? 'plain' : 'hex'}) reached the output`,
          );
        }
      }

      // 2) CSV appended to a file, twice: header once, values as above, and no SKJOIN (kept session)
      const csvFile = dir.file('readings.csv');
      const expected: Record<string, unknown>[] = [];
      for (let i = 0; i < 2; i++) {
        const csv = await runBmeter(
          ['poll', ...common, '--format', 'csv', '--output', csvFile, '--log-level', 'trace'],
          opts,
        );
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
    },
  );
}
