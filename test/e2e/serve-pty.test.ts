/**
 * `bmeter serve` end to end: the built CLI against `bmeter simulate --pty` run in the test process
 * (socat pty, real serialport stack) with the simulated meter's clock frozen (`clock=`), a real
 * SQLite file and the real HTTP listener. Expected values come from the simulator's own model (MeterValues with the
 * simulator's options and start instant; E1 0.1 kWh, D3 1, D7 6 digits), worked out by hand here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { MeterValues } from '../../src/sim/meter-values.js';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { databaseSync, NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { describeRun, runBmeter, spawnBmeter, type BmeterProcess } from './helpers/run-bmeter.js';
import { scannedPty } from './helpers/scanned.js';
import { startInProcessPtySimulator } from './helpers/simulator-in-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const FIRST_CLOCK = '2024-05-01T12:10:00+09:00';
const LATER_CLOCK = '2024-05-01T15:10:00+09:00'; // the restart, three hours later
const HALF = 30 * 60_000;
const SIM_ARGS = (clock: string) => ['--time-scale', '0.001', '--rtt-ms', '5', '--sim', `clock=${clock}&pv=1`];
const model = (clock: string) =>
  new MeterValues({ pv: true, wiring: '1p3w', initialKwh: 12345.6, coefficient: 1, seed: 1 }, Date.parse(clock));

const p2 = (n: number): string => String(n).padStart(2, '0');
function jst(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:00+09:00`;
}

/** Waits until `check` holds, polling every 50 ms, failing with the process's output after `ms`. */
async function until(what: string, proc: BmeterProcess, check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (proc.child.exitCode !== null) throw new Error(`serve exited while waiting for ${what}:\n${proc.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} after ${ms} ms:\n${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const printed = (proc: BmeterProcess): Record<string, unknown>[] =>
  proc
    .stdout()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function apiPort(proc: BmeterProcess): number {
  const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(proc.stderr());
  assert.ok(m, 'serve logs where it listens');
  return Number(m[1]);
}

/** The reading the frozen simulator serves, field by field (§8: E7 W, E8 0.1 A, E0/E3/EA/EB 0.1 kWh). */
function expectedReading(clock: string): Record<string, unknown> {
  const m = model(clock);
  const t = Date.parse(clock);
  const mark =
    Date.parse('2024-05-01T12:00:00+09:00') + Math.floor((t - Date.parse('2024-05-01T12:00:00+09:00')) / HALF) * HALF;
  const [r, tt] = m.currentsDeciAmps(t);
  return {
    power_w: m.powerW(t),
    current_r_a: r / 10,
    current_t_a: tt / 10,
    energy_normal_kwh: m.normalRaw(t) / 10,
    energy_reverse_kwh: m.reverseRaw(t) / 10,
    fixed_normal_at: jst(mark),
    fixed_normal_kwh: m.normalRaw(mark) / 10,
    fixed_reverse_at: jst(mark),
    fixed_reverse_kwh: m.reverseRaw(mark) / 10,
    source: 'poll',
  };
}

test(
  'serve: readings and half-hours equal the simulator, the API answers them, kill -9 loses nothing, a restart after a gap backfills it, SIGTERM ends with SKTERM',
  { skip: NEEDS_SQLITE, timeout: 150_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const db = dir.file('bmeter.db');
    const opts = { env: CREDENTIALS, cwd: dir.path, timeoutMs: 90_000 };
    let sim = await startInProcessPtySimulator(dir.file('tty1'), SIM_ARGS(FIRST_CLOCK));
    t.after(() => sim.stop());
    await scannedPty(SIM_ARGS(FIRST_CLOCK), dir.file('scan.json'), async () => {
      const scan = await runBmeter(['scan', '--port', sim.path, '--scan-file', dir.file('scan.json')], opts);
      assert.equal(scan.code, 0, describeRun(scan));
    });
    const serveArgs = (port: string) => [
      'serve',
      '--port',
      port,
      '--scan-file',
      dir.file('scan.json'),
      '--db',
      db,
      '--interval',
      '1',
      '--history-days',
      '2',
      '--listen',
      '127.0.0.1:0',
      '-v',
    ];

    // 1. A few intervals against the simulator frozen at 12:10.
    const first = spawnBmeter(serveArgs(sim.path), opts);
    t.after(() => first.stop(100));
    await until(
      'three readings and the backfill',
      first,
      () => printed(first).length >= 3 && first.stderr().includes('half-hour record fetched'),
    );
    const meter = String(printed(first)[0]?.['meter']);
    assert.match(meter, /^[0-9a-f]{16}$/, 'the meter is the scan file MAC in lower case');
    for (const line of printed(first)) {
      const { timestamp, meter: _m, ...values } = line;
      assert.match(String(timestamp), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
      assert.deepEqual(values, expectedReading(FIRST_CLOCK));
    }

    // 2. The API on the same process, value by value.
    const base = `http://127.0.0.1:${apiPort(first)}`;
    const latest = (await (await fetch(`${base}/api/latest`)).json()) as {
      meter: string;
      reading: Record<string, unknown>;
    };
    assert.equal(latest.meter, meter);
    assert.deepEqual(
      { ...latest.reading, meter: undefined, timestamp: undefined },
      { ...expectedReading(FIRST_CLOCK), meter: undefined, timestamp: undefined },
    );
    // The half hours that begin 10:30 … 12:00 (the API counts a half hour where it begins; its mark is its end):
    // marks 11:00, 11:30 and 12:00, the newest ended one at 12:10 (10:30, stored too, ends before the range).
    const halves = (await (
      await fetch(`${base}/api/half-hours?from=2024-05-01T10:30:00%2B09:00&to=2024-05-01T12:00:00%2B09:00`)
    ).json()) as {
      items: Record<string, unknown>[];
      next: string | null;
    };
    const m1 = model(FIRST_CLOCK);
    const slotOf = (m: MeterValues, ms: number) => ({
      meter,
      slot_start: jst(ms),
      energy_normal_kwh: m.normalRaw(ms) / 10,
      energy_reverse_kwh: m.reverseRaw(ms) / 10,
      consumed_kwh: ((m.normalRaw(ms) - m.normalRaw(ms - HALF) + 1e6) % 1e6) / 10,
      exported_kwh: ((m.reverseRaw(ms) - m.reverseRaw(ms - HALF) + 1e6) % 1e6) / 10,
    });
    const eleven = Date.parse('2024-05-01T11:00:00+09:00');
    assert.deepEqual(halves, {
      items: [slotOf(m1, eleven), slotOf(m1, eleven + HALF), slotOf(m1, eleven + 2 * HALF)],
      next: null,
    });
    const bad = await fetch(`${base}/api/readings?limit=none`);
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'limit="none" must be a whole number from 1 to 10000' });
    const health = (await (await fetch(`${base}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(health['status'], 'ok');
    assert.equal(health['session'], 'up');

    // 3. A second process on the same file is told who holds it.
    const second = await runBmeter(serveArgs(sim.path), { ...opts, timeoutMs: 20_000 });
    assert.equal(second.code, 2, describeRun(second));
    assert.match(second.stderr, new RegExp(`the store .*bmeter\\.db is in use by PID ${first.pid}`));

    // 4. kill -9 mid-run: the file is whole and holds every reading that was printed.
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    const beforeKill = printed(first);
    const DatabaseSync = await databaseSync();
    const check = new DatabaseSync(db);
    assert.equal(check.prepare('PRAGMA integrity_check').get()?.['integrity_check'], 'ok');
    const stored = new Set(
      check
        .prepare('SELECT timestamp FROM readings')
        .all()
        .map((r) => r['timestamp']),
    );
    for (const line of beforeKill)
      assert.ok(stored.has(String(line['timestamp'])), `printed reading ${String(line['timestamp'])} is in the store`);
    check.close();
    assert.ok(existsSync(`${db}.lock`), 'kill -9 leaves the lock file behind');

    // 5. Three hours later (a new simulator frozen at 15:10): the stale lock is taken over and the gap backfilled.
    await sim.stop();
    sim = await startInProcessPtySimulator(dir.file('tty2'), SIM_ARGS(LATER_CLOCK));
    const again = spawnBmeter(serveArgs(sim.path), opts);
    t.after(() => again.stop(100));
    await until(
      'the backfill after the gap',
      again,
      () => printed(again).length >= 2 && again.stderr().includes('half-hour record fetched'),
    );
    for (const line of printed(again))
      assert.deepEqual(
        { ...line, meter: undefined, timestamp: undefined },
        { ...expectedReading(LATER_CLOCK), meter: undefined, timestamp: undefined },
      );

    // 6. SIGTERM: the reading in flight finishes, SKTERM, the store closes, exit 0.
    const stopped = await again.stop(10_000);
    assert.equal(stopped.code, 0, describeRun(stopped));
    assert.match(stopped.stderr, /PANA session terminated \(SKTERM\)/);
    assert.equal(existsSync(`${db}.lock`), false, 'a clean stop releases the lock');

    const after = new DatabaseSync(db);
    t.after(() => after.close());
    assert.equal(after.prepare('PRAGMA integrity_check').get()?.['integrity_check'], 'ok');
    const rows = after
      .prepare(
        'SELECT meter, slot_start, energy_normal_kwh, energy_reverse_kwh, consumed_kwh, exported_kwh FROM half_hours ORDER BY slot_ms',
      )
      .all();
    // Two days from 2024-04-30 00:00 up to 12:00 from the first run, 12:30 … 15:00 from the second.
    const start = Date.parse('2024-04-30T00:00:00+09:00');
    const twelve = Date.parse('2024-05-01T12:00:00+09:00');
    const m2 = model(LATER_CLOCK);
    assert.equal(rows.length, 48 + 31, 'every slot once: no hole, no duplicate');
    rows.forEach((row, i) => {
      const ms = start + i * HALF;
      const expected =
        i === 0 ? { ...slotOf(m1, ms), consumed_kwh: null, exported_kwh: null } : slotOf(ms <= twelve ? m1 : m2, ms);
      assert.deepEqual({ ...row }, expected, `slot ${jst(ms)}`);
    });
    const readings = after
      .prepare('SELECT timestamp FROM readings')
      .all()
      .map((r) => r['timestamp']);
    assert.equal(new Set(readings).size, readings.length, 'no reading stored twice');
    for (const line of [...beforeKill, ...printed(again)]) assert.ok(readings.includes(String(line['timestamp'])));
    for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD])
      assert.ok(!(first.stderr() + again.stderr()).includes(secret));
  },
);

test(
  'serve, poll --db and history --db on a Node without node:sqlite exit 2 naming the Node they need',
  { skip: NEEDS_SQLITE === false ? 'this Node has node:sqlite' : false },
  async (t) => {
    const dir = tempDirFor(t);
    for (const args of [['serve'], ['poll', '--db', 'x.db'], ['history', '--db', 'x.db']]) {
      const run = await runBmeter([...args, '--port', 'sim://'], { env: CREDENTIALS, cwd: dir.path });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, /needs Node 22\.13\.0 or newer/);
    }
  },
);
