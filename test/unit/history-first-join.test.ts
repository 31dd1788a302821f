/**
 * `bmeter history`'s first join refused with EVENT 24, settled as poll's is (src/session/first-join.ts): one scan
 * of every channel tells a meter that moved (joined there, scan file updated, records written, exit 0) from wrong
 * credentials (exit 4 with poll's message) and from a meter no scan finds (exit 4). The real program with the
 * built-in simulator, on virtual time; the last case runs runHistory in process to take the meter off the air.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBmeterError } from '../../src/errors.js';
import { runHistory } from '../../src/history/history.js';
import { SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { runProgram } from '../fixtures/run-program.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

afterEach(disposeSimRigs);

// The simulated meter's clock stands still at 12:10 Japan time: today's record is 00:00 … 12:00, 25 half hours.
const FROZEN = 'clock=2024-05-01T12:10:00%2B09:00';
const HERE = `sim://?${FROZEN}&timeScale=0.001`;
// The simulator's meter is on channel 59 (0x3B) unless told; on 40 it moved: SKJOIN on 59 ends in EVENT 24.
const MOVED = `${HERE}&channel=40`;
const WRONG_PASSWORD = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: 'WRONGPASSWD1' };
const SCANNING = /the meter refused the join \(EVENT 24\): scanning all channels in case it moved/;

/** A folder whose scan file names the meter on channel 59, as `bmeter scan` wrote it. */
async function scannedDir(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-history-join-'));
  const scan = await runProgram(['--port', '/dev/ttySIM0', 'scan'], { cwd, simUrl: HERE });
  assert.equal(scan.code, 0, scan.stderr);
  return cwd;
}

const scanFileText = (cwd: string): string => readFileSync(join(cwd, 'bmeter.scan.json'), 'utf8');

test('history of a meter that moved channel finds it, joins there, writes the day and updates the scan file', async () => {
  const cwd = await scannedDir();
  try {
    assert.equal((JSON.parse(scanFileText(cwd)) as { channel: number }).channel, 0x3b);
    const r = await runProgram(['--port', '/dev/ttySIM0', 'history', '--format', 'json'], {
      cwd,
      simUrl: MOVED,
      virtualClock: true,
    });
    assert.equal(r.code, 0, r.stderr);
    const slots = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { slot_start: string }).slot_start);
    assert.equal(slots.length, 25, r.stderr);
    assert.equal(slots[0], '2024-05-01T00:00:00+09:00');
    assert.equal(slots.at(-1), '2024-05-01T12:00:00+09:00');
    assert.match(r.stderr, SCANNING);
    assert.match(r.stderr, /the meter answers on channel 40, PAN [0-9A-F]+ now; scan file .* updated/);
    assert.doesNotMatch(r.stderr, /Route-B ID/, 'no word about the credentials');
    assert.equal((JSON.parse(scanFileText(cwd)) as { channel: number }).channel, 40);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history with a wrong password where the meter is exits 4 with the message poll gives, scan file unchanged', async () => {
  const cwd = await scannedDir();
  try {
    const before = scanFileText(cwd);
    const history = await runProgram(['--port', '/dev/ttySIM0', 'history'], {
      cwd,
      simUrl: HERE,
      virtualClock: true,
      env: WRONG_PASSWORD,
    });
    const poll = await runProgram(['--port', '/dev/ttySIM0', 'poll'], {
      cwd,
      simUrl: HERE,
      virtualClock: true,
      env: WRONG_PASSWORD,
    });
    assert.equal(history.code, 4, history.stderr);
    assert.equal(poll.code, 4, poll.stderr);
    assert.equal(history.stdout, '');
    assert.match(history.stderr, SCANNING);
    const lastLine = (stderr: string): string => stderr.trimEnd().split('\n').at(-1) ?? '';
    assert.match(
      lastLine(history.stderr),
      /^bmeter: SKJOIN failed: EVENT 24 from FE80:[0-9A-F:]+ \(authentication rejected\) — check the Route-B ID and password .*: a scan of all channels found the meter where the scan file says$/,
    );
    assert.equal(lastLine(history.stderr), lastLine(poll.stderr), 'the same words as poll');
    assert.equal(scanFileText(cwd), before, 'the scan file is left as it was');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

// The same for a one-shot history and an interval poll: one settling of the first join for every command.
for (const args of [['history'], ['poll', '--interval', '0.3', '--count', '1']]) {
  test(`${args.join(' ')} with a wrong password and a meter that moved: found on its new channel, refused there too, exit 4`, async () => {
    const cwd = await scannedDir();
    try {
      const r = await runProgram(['--port', '/dev/ttySIM0', ...args], {
        cwd,
        simUrl: MOVED,
        virtualClock: true,
        env: WRONG_PASSWORD,
      });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /the meter answers on channel 40/);
      assert.match(
        r.stderr,
        /bmeter: SKJOIN failed: EVENT 24 .* \(authentication rejected\) — check the Route-B ID and password .*: a scan of all channels found the meter on its new channel 40, PAN [0-9A-F]+, and it refused the join there too\n$/,
      );
      assert.doesNotMatch(r.stderr, /if they worked before/);
      assert.equal(r.stdout, '');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}

test('history of a meter that no scan finds ends with the join refusal (AUTH), after one scan and nothing written', async (t) => {
  const clock = new VirtualClock(Date.now());
  t.after(() => clock.stop());
  const rig = await simMeterRig(
    {},
    { startMs: Date.parse('2024-05-01T12:10:00+09:00'), rttMs: 1, dirPrefix: 'bmeter-history-join-', timers: clock },
  );
  rig.stick.setMeterOnAir(false); // no PANA answer (EVENT 24), no beacon for the scan
  const before = readFileSync(rig.config.scanFile, 'utf8');
  const records: unknown[] = [];
  await assert.rejects(
    runHistory({ ...rig.common(), clock, sink: { closed: false, write: async (rec) => void records.push(rec) } }),
    (err: unknown) => {
      assert.ok(isBmeterError(err, 'AUTH'), String(err));
      // Not the credentials: the scan did not find the meter where it was either.
      assert.doesNotMatch(err.message, /a scan of all channels found the meter/);
      assert.match(err.message, /a scan of all channels found no meter: it is out of reach for now .* try again later/);
      return true;
    },
  );
  assert.ok(rig.commands.includes('SKSCAN'), 'one scan of every channel after EVENT 24');
  assert.deepEqual(records, []);
  assert.equal(readFileSync(rig.config.scanFile, 'utf8'), before);
});
