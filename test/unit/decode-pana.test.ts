/**
 * `bmeter decode` skips ERXUDP lines of PANA authentication (UDP 716 = 02CC: the stick's join, no ECHONET Lite
 * frame) like the log's other records: README's `bmeter poll -vvv 2> trace.log; grep ERXUDP trace.log | bmeter
 * decode` prints the frames only and exits 0. PANA lines given as arguments are skipped too; when nothing else
 * was given, the run says that there was nothing to decode (exit 1) rather than printing nothing.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';
import { runProgram } from '../fixtures/run-program.js';

const METER = 'FE80:0000:0000:0000:021C:6400:03DE:5A1B';
const STICK = 'FE80:0000:0000:0000:021D:1290:1234:5678';

/** A trace of a poll against the simulator (`-vvv`), as `grep ERXUDP trace.log` leaves it: written by hand. */
const TRACE = [
  ...[40, 104, 84, 88].flatMap((bytes, i) => [
    JSON.stringify({
      level: 'trace',
      time: `2026-12-02T05:25:59.04${i}Z`,
      rx: `ERXUDP ${METER} ${STICK} 02CC 02CC 001C640003DE5A1B secured=0 <${bytes} bytes PANA, not logged>`,
      msg: 'line',
    }),
    JSON.stringify({ level: 'debug', reason: 'UDP port 02CC→02CC is not ECHONET Lite', msg: 'ignored ERXUDP' }),
  ]),
  JSON.stringify({
    level: 'trace',
    rx: `ERXUDP ${METER} FF02:0000:0000:0000:0000:0000:0000:0001 0E1A 0E1A 001C640003DE5A1B secured=1 108100000EF0010EF0017301D50401028801`,
    msg: 'line',
  }),
  // capture ak1211-bp35a1-e7-1192w's frame, as bmeter logs the ERXUDP line that carries it
  JSON.stringify({
    level: 'trace',
    rx: `ERXUDP ${METER} ${STICK} 0E1A 0E1A 001C640003DE5A1B secured=1 1081000102880105FF017201E704000004A8`,
    msg: 'line',
  }),
];

/** The same PANA datagram as the stick prints it (layout A, hex data): written by hand. */
const PANA_STICK_LINE = `ERXUDP ${METER} ${STICK} 02CC 02CC 001C640003DE5A1B 0 0004 00020000`;

async function decode(t: Parameters<typeof tempDirFor>[0], args: string[], stdin?: string) {
  const run = await runProgram(['decode', ...args], {
    cwd: tempDirFor(t).path,
    simUrl: 'sim://',
    ...(stdin !== undefined && { stdin: Readable.from([stdin]) }),
  });
  const frames =
    run.stdout === ''
      ? []
      : run.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { tid: string });
  return { ...run, frames };
}

test("README's pipe: grep ERXUDP of a -vvv trace | bmeter decode prints the two frames and exits 0", async (t) => {
  const run = await decode(t, [], `${TRACE.join('\n')}\n`);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  assert.deepEqual(
    run.frames.map((f) => f.tid),
    ['0000', '0001'],
  );
});

test('a PANA line as the stick prints it is skipped on stdin too, and nothing but PANA is no failure there', async (t) => {
  const run = await decode(t, [], `${PANA_STICK_LINE}\n${PANA_STICK_LINE}\n`);
  assert.deepEqual([run.code, run.stdout, run.stderr], [0, '', '']);
});

test('PANA lines given as arguments beside a frame are skipped', async (t) => {
  const run = await decode(t, [PANA_STICK_LINE, '1081000102880105FF017201E704000004A8']);
  assert.deepEqual([run.code, run.stderr], [0, '']);
  assert.deepEqual(
    run.frames.map((f) => f.tid),
    ['0001'],
  );
});

test('only PANA lines given as arguments: nothing to decode, said in one line (exit 1)', async (t) => {
  const one = await decode(t, [PANA_STICK_LINE]);
  assert.deepEqual(
    [one.code, one.stdout, one.stderr],
    [
      1,
      '',
      'bmeter: nothing to decode: the line is PANA authentication (UDP port 02CC), not ECHONET Lite (UDP port 0E1A)\n',
    ],
  );
  const two = await decode(t, [PANA_STICK_LINE, PANA_STICK_LINE]);
  assert.match(two.stderr, /^bmeter: nothing to decode: the 2 lines are PANA authentication/);
  assert.equal(two.code, 1);
});
