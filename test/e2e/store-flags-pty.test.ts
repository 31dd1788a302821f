/**
 * `poll --db` and `history --db` end to end over a pty: the cron commands write the same tables
 * as serve, `history --since auto --db` continues from the newest stored slot, and with --db
 * alone nothing is printed. The simulated meter's clock is frozen; expected values come from its
 * model (MeterValues, E1 0.1 kWh), worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterValues } from '../../src/sim/meter-values.js';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { databaseSync, NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { scannedPty } from './helpers/scanned.js';
import { startInProcessPtySimulator } from './helpers/simulator-in-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const CLOCK = '2024-05-01T12:10:00+09:00';

test(
  'poll --db and history --since auto --db fill the store quietly; a second history run adds nothing',
  { skip: NEEDS_SQLITE, timeout: 90_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const simArgs = ['--time-scale', '0.001', '--rtt-ms', '5', '--sim', `clock=${CLOCK}`];
    const sim = await startInProcessPtySimulator(dir.file('tty'), simArgs);
    t.after(() => sim.stop());
    const common = ['--port', sim.path, '--scan-file', dir.file('scan.json')];
    const opts = { env: CREDENTIALS, cwd: dir.path, timeoutMs: 60_000 };
    await scannedPty(simArgs, dir.file('scan.json'), async () => {
      assert.equal((await runBmeter(['scan', ...common], opts)).code, 0);
    });

    const poll = await runBmeter(['poll', ...common, '--db', 'meter.db'], opts);
    assert.equal(poll.code, 0, describeRun(poll));
    assert.equal(poll.stdout, '', '--db alone prints nothing');
    const printedPoll = await runBmeter(['poll', ...common, '--db', 'meter.db', '--format', 'json'], opts);
    assert.equal(printedPoll.code, 0, describeRun(printedPoll));
    const printed = JSON.parse(printedPoll.stdout) as Record<string, unknown>;

    const history = await runBmeter(['history', ...common, '--db', 'meter.db', '--since', 'auto'], opts);
    assert.equal(history.code, 0, describeRun(history));
    assert.equal(history.stdout, '');
    const again = await runBmeter(
      ['history', ...common, '--db', 'meter.db', '--since', 'auto', '--format', 'csv'],
      opts,
    );
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(again.stdout, '', 'nothing after the newest stored slot yet, so nothing printed');

    const db = new (await databaseSync())(dir.file('meter.db'));
    t.after(() => db.close());
    const model = new MeterValues(
      { pv: false, wiring: '1p3w', initialKwh: 12345.6, coefficient: 1, seed: 1 },
      Date.parse(CLOCK),
    );
    const readings = db
      .prepare('SELECT meter, timestamp, power_w, energy_normal_kwh FROM readings ORDER BY ts_ms')
      .all();
    assert.equal(readings.length, 2);
    assert.equal(readings[1]?.['timestamp'], printed['timestamp'], 'the printed reading is the stored one');
    for (const r of readings) {
      assert.match(String(r['meter']), /^[0-9a-f]{16}$/);
      assert.equal(r['power_w'], model.powerW(Date.parse(CLOCK)));
      assert.equal(r['energy_normal_kwh'], model.normalRaw(Date.parse(CLOCK)) / 10);
    }
    const slots = db
      .prepare('SELECT slot_start, energy_normal_kwh, consumed_kwh FROM half_hours ORDER BY slot_ms')
      .all();
    assert.equal(slots.length, 25, 'today 00:00 … 12:00, once each');
    assert.deepEqual(
      { ...slots[24] },
      {
        slot_start: '2024-05-01T12:00:00+09:00',
        energy_normal_kwh: model.normalRaw(Date.parse('2024-05-01T12:00:00+09:00')) / 10,
        consumed_kwh:
          (model.normalRaw(Date.parse('2024-05-01T12:00:00+09:00')) -
            model.normalRaw(Date.parse('2024-05-01T11:30:00+09:00'))) /
          10,
      },
    );
  },
);
