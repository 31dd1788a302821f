import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { register } from '../../src/cli/decode.js';
import type { CliContext } from '../../src/cli/context.js';
import { BmeterError } from '../../src/errors.js';
import { runDecode, type DecodedFrameJson, type DecodeOptions } from '../../src/decode/decode.js';
import { capture, captureLines } from '../fixtures/captures.js';

async function decodeAll(lines: string[], options: DecodeOptions = {}) {
  const frames: DecodedFrameJson[] = [];
  const problems: string[] = [];
  let error: unknown;
  try {
    await runDecode(lines, options, { frame: (j) => frames.push(j), problem: (m) => problems.push(m) });
  } catch (err) {
    error = err;
  }
  return { frames, problems, error };
}

const erxudpOf = (id: string) => {
  const line = captureLines(id).find((l) => l.startsWith('ERXUDP') && l.includes(' 0E1A 0E1A '));
  assert.ok(line, `${id} has no ECHONET ERXUDP line`);
  return line;
};

describe('runDecode', () => {
  it('decodes a single-stack ERXUDP line (layout A) with --unit 02: EA 770.58 kWh (capture ak1211-bp35a1-ea-inf-2030)', async () => {
    const { frames, problems, error } = await decodeAll([erxudpOf('ak1211-bp35a1-ea-inf-2030')], { unitCode: 0x02 });
    assert.equal(error, undefined);
    assert.deepEqual(problems, []);
    const f = frames[0];
    assert.ok(f);
    assert.equal(f.tid, '0362');
    assert.equal(f.seoj, '028801');
    assert.equal(f.deoj, '05FF01');
    assert.equal(f.esv, '73');
    assert.equal(f.esv_name, 'INF');
    assert.equal(f.erxudp?.secured, true);
    assert.equal(f.erxudp?.side, undefined);
    assert.deepEqual(f.properties[0], {
      epc: 'EA',
      name: 'cumulative energy at fixed time (normal direction)',
      pdc: 11,
      edt: '07E60801141E0000012D02',
      value: { at: '2022-08-01T20:30:00+09:00', raw: 77058, kwh: 770.58, unit: 'kWh' },
    });
  });

  it('decodes a dual-stack ERXUDP line (layout B) with its side token: INF D5 (capture rswsuha-skjoin-pana-sequence)', async () => {
    const { frames, error } = await decodeAll([erxudpOf('rswsuha-skjoin-pana-sequence')]);
    assert.equal(error, undefined);
    assert.equal(frames[0]?.erxudp?.side, 0);
    assert.equal(frames[0]?.erxudp?.dest, 'FF02:0000:0000:0000:0000:0000:0000:0001');
    assert.equal(frames[0]?.seoj, '0EF001');
    assert.deepEqual(frames[0]?.properties[0]?.value, { instances: ['028801'] });
  });

  it('decodes a dual-stack ERXUDP line with the RSSI token (layout C): LQI 0x50 is −82.27 dBm', async () => {
    // written by hand from docs/protocol.md §4.1 layout C, data = Get_Res E7 1192 W (18 bytes = 0012)
    const line =
      'ERXUDP FE80:0000:0000:0000:C2F9:4500:4058:B5FB FE80:0000:0000:0000:021D:1291:0004:E578 0E1A 0E1A C2F945004058B5FB 50 1 0 0012 1081000102880105FF017201E704000004A8';
    const { frames, error } = await decodeAll([line]);
    assert.equal(error, undefined);
    assert.deepEqual(frames[0]?.erxudp, {
      sender: 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB',
      dest: 'FE80:0000:0000:0000:021D:1291:0004:E578',
      rport: '0E1A',
      lport: '0E1A',
      sender_mac: 'C2F945004058B5FB',
      secured: true,
      side: 0,
      lqi: 0x50,
      rssi_dbm: -82.27,
    });
    assert.deepEqual(frames[0]?.properties[0]?.value, { watts: 1192, unit: 'W' });
  });

  it('finds the ERXUDP line in a line of any log: after a time stamp, and in the rx field of bmeter -vvv', async () => {
    // Written by hand: the layout C line above, as a log with a time stamp holds it, and as bmeter's -vvv log
    // (JSON lines, src/skstack/describe.ts) writes it: flags named, no DATALEN.
    const sender = 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB';
    const dest = 'FE80:0000:0000:0000:021D:1291:0004:E578';
    const stamped = `2026-01-01 12:00:00 rx: ERXUDP ${sender} ${dest} 0E1A 0E1A C2F945004058B5FB 50 1 0 0012 1081000102880105FF017201E704000004A8`;
    const logged = JSON.stringify({
      level: 'trace',
      time: '2026-12-02T01:36:20.181Z',
      rx: `ERXUDP ${sender} ${dest} 0E1A 0E1A C2F945004058B5FB rssi=80 secured=1 side=0 1081000102880105FF017201E704000004A8`,
      msg: 'line',
    });
    const other =
      '{"level":"debug","time":"2026-12-02T01:36:20.181Z","reason":"not ECHONET Lite","msg":"ignored ERXUDP"}';
    const pana = JSON.stringify({
      level: 'trace',
      rx: `ERXUDP ${sender} ${dest} 02CC 02CC C2F945004058B5FB secured=0 <40 bytes PANA, not logged>`,
      msg: 'line',
    });
    const { frames, problems, error } = await decodeAll([stamped, logged, other, pana]);
    const erxudp = {
      sender,
      dest,
      rport: '0E1A',
      lport: '0E1A',
      sender_mac: 'C2F945004058B5FB',
      secured: true,
      side: 0,
      lqi: 80,
      rssi_dbm: -82.27,
    };
    assert.deepEqual(
      frames.map((f) => [f.line, f.erxudp, f.properties[0]?.value]),
      [
        [1, erxudp, { watts: 1192, unit: 'W' }],
        [2, erxudp, { watts: 1192, unit: 'W' }],
      ],
    );
    // The record without an ERXUDP line and the PANA line (the stick's join, no frame) are skipped, not counted.
    assert.deepEqual(problems, []);
    assert.equal(error, undefined);
  });

  it('decodes a bare hex frame: −524 W (capture futomi-e7-neg524)', async () => {
    const { frames } = await decodeAll([capture('futomi-e7-neg524').frame_hex as string]);
    assert.equal(frames[0]?.tid, '469A');
    assert.equal(frames[0]?.erxudp, undefined);
    assert.deepEqual(frames[0]?.properties[0]?.value, { watts: -524, unit: 'W' });
  });

  it('decodes two properties of one frame (capture yakumo-bp35a1-e7-e8-opc2)', async () => {
    const { frames } = await decodeAll(['1081100202880105FF017202E7040000029CE80400280028']);
    assert.equal(frames[0]?.opc, 2);
    assert.deepEqual(
      frames[0]?.properties.map((p) => p.value),
      [
        { watts: 668, unit: 'W' },
        { r_a: 4, t_a: 4, unit: 'A' },
      ],
    );
  });

  it('reports a bad line on its own with its line number and fault, decodes the others, then fails with a count', async () => {
    // line 2 is capture ak1211-bp35a1-e7-1192w, line 5 capture futomi-e7-neg524; line 4 is
    // line 2 with OPC 2 and an E8 cut after one EDT byte, by hand
    const lines = [
      '# a comment',
      '1081000102880105FF017201E704000004A8',
      '',
      '1081000102880105FF017202E704000004A8E80400',
      '1081469A02880105FF017201E704FFFFFDF4',
    ];
    const { frames, problems, error } = await decodeAll(lines);
    assert.deepEqual(
      frames.map((f) => f.line),
      [2, 5],
    );
    assert.deepEqual(problems, [
      'line 4: frame truncated: property 2 (EPC E8) declares PDC 4 but only 1 bytes remain at offset 20',
    ]);
    assert.ok(error instanceof BmeterError);
    assert.equal(error.code, 'DECODE');
    assert.equal(error.message, '1 of 3 lines could not be decoded');
  });

  it('says why a line is neither an ERXUDP line nor hex; a PANA datagram is skipped, not counted', async () => {
    const pana = captureLines('rswsuha-skjoin-pana-sequence').find(
      (l) => l.includes(' 02CC 02CC ') && l.includes(' 0028 '),
    );
    assert.ok(pana);
    const { problems, error } = await decodeAll(['EVENT 21 FE80::1 00', pana, '10810']);
    assert.match(
      problems[0] ?? '',
      /^line 1: not an ERXUDP line or a hex frame: "V" at character 2 is not a hex digit$/,
    );
    assert.match(problems[1] ?? '', /^line 3: hex frame has an odd number of digits \(5\)$/);
    assert.equal(problems.length, 2);
    assert.equal((error as Error).message, '2 of 2 lines could not be decoded');
  });

  it('says an ERXUDP line of another UDP port is not ECHONET Lite', async () => {
    // written by hand: a datagram to port 0123 (neither PANA 02CC nor ECHONET Lite 0E1A)
    const line = 'ERXUDP FE80::1 FE80::2 0123 0123 0011223344556677 1 0002 ABCD';
    const { problems, error } = await decodeAll([line]);
    assert.deepEqual(problems, ['line 1: not ECHONET Lite: ERXUDP from port 0123 to 0123; ECHONET Lite uses 0E1A']);
    assert.equal((error as Error).message, '1 of 1 line could not be decoded');
  });

  it('passes the ERXUDP parser fault through with the line number', async () => {
    const { problems } = await decodeAll(['ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0012 1081']);
    assert.match(problems[0] ?? '', /^line 1: ERXUDP data is 4 hex characters, DATALEN 0012 says 36$/);
  });

  it('prints a frame whose property EDT is malformed with an error on that property, and counts the line as bad', async () => {
    const { frames, problems, error } = await decodeAll(['1081 0001 028801 05FF01 72 02  E7 03 000004  80 01 30']);
    assert.equal(frames[0]?.properties[0]?.value, null);
    assert.match(frames[0]?.properties[0]?.error ?? '', /EPC E7: expected 4 bytes/);
    assert.deepEqual(frames[0]?.properties[1]?.value, { on: true });
    assert.match(problems[0] ?? '', /^line 1: property 1: EPC E7: expected 4 bytes/);
    assert.ok(error instanceof BmeterError);
  });

  it('gives energy raw with kWh null when no unit is known (capture futomi-e0-109349)', async () => {
    const { frames } = await decodeAll(['1081CEC002880105FF017201E0040001AB25']);
    assert.deepEqual(frames[0]?.properties[0]?.value, {
      raw: 109349,
      kwh: null,
      unit: 'kWh',
      reason: 'unit unknown (E1 not read)',
    });
  });

  it('scales energy with --unit and --coefficient (capture futomi-e0-109349: 10934.9 kWh at 0.1)', async () => {
    const e0 = '1081CEC002880105FF017201E0040001AB25';
    const a = await decodeAll([e0], { unitCode: 0x01 });
    assert.equal((a.frames[0]?.properties[0]?.value as { kwh: number }).kwh, 10934.9);
    const b = await decodeAll([e0], { unitCode: 0x01, coefficient: 10 });
    assert.equal((b.frames[0]?.properties[0]?.value as { kwh: number }).kwh, 109349);
  });

  it('prefers the E1 and D3 found in the same frame over the flags', async () => {
    // Get_Res with E1 = 02 (0.01 kWh), D3 = 1, E0 = 76999 (0x00012CC7), written by hand
    const frame = '1081 0001 028801 05FF01 72 03  E1 01 02  D3 04 00000001  E0 04 00012CC7';
    const { frames } = await decodeAll([frame], { unitCode: 0x00, coefficient: 5 });
    const e0 = frames[0]?.properties.find((p) => p.epc === 'E0');
    assert.deepEqual(e0?.value, { raw: 76999, kwh: 769.99, unit: 'kWh' });
  });
});

describe('bmeter decode (commander wiring)', () => {
  function run(args: string[], stdinText?: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const ctx = { io: { stdout, stderr, stdin, env: {}, cwd: '/', stderrIsTTY: false } } as unknown as CliContext;
    const program = new Command('bmeter')
      .exitOverride()
      .configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
    register(program, ctx);
    if (stdinText !== undefined) stdin.end(stdinText);
    const done = program.parseAsync(['node', 'bmeter', 'decode', ...args]);
    return done.then(
      () => ({ out, err, error: undefined as unknown }),
      (error: unknown) => ({ out, err, error }),
    );
  }

  it('decodes frames given as arguments, one JSON line each, with --unit in hex', async () => {
    // captures futomi-e0-109349 (E0 109349 → 10934.9 kWh at 0.1) and futomi-e7-neg524 (TID 469A)
    const r = await run([
      '--unit',
      '01',
      '1081CEC002880105FF017201E0040001AB25',
      '1081469A02880105FF017201E704FFFFFDF4',
    ]);
    assert.equal(r.error, undefined);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DecodedFrameJson);
    assert.equal(lines.length, 2);
    assert.equal((lines[0]?.properties[0]?.value as { kwh: number }).kwh, 10934.9);
    assert.equal(lines[1]?.tid, '469A');
  });

  it('reads stdin one frame per line when no argument is given, and reports bad lines on stderr', async () => {
    const r = await run([], '# log\n1081000102880105FF017201E704000004A8\nnonsense\n'); // line 2: capture ak1211-bp35a1-e7-1192w
    assert.equal(r.out.trim().split('\n').length, 1);
    assert.match(r.err, /^line 3: not an ERXUDP line or a hex frame/);
    assert.ok(r.error instanceof BmeterError);
    assert.equal((r.error as BmeterError).message, '1 of 2 lines could not be decoded');
  });

  it('writes a control character a bad line holds escaped on stderr, never raw to the terminal', async () => {
    const r = await run([], 'AB\u001b[2J\nERXUDP \u001b]0;x\u0007 b c d e f g h\n');
    assert.match(r.err, /^line 1: not an ERXUDP line or a hex frame: "\\u001b" at character 3 is not a hex digit$/m);
    assert.match(r.err, /^line 2: ERXUDP sender "\\u001b]0;x\\u0007" is not an IPv6 address$/m);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(r.err), 'no raw control character on stderr');
  });

  it('refuses an unknown --unit code and a fractional --coefficient as usage errors', async () => {
    const a = await run(['--unit', '05', '10']);
    assert.match(a.err, /E1 unit code is hex, one of 00, 01, 02, 03, 04, 0A, 0B, 0C, 0D/);
    assert.ok(a.error);
    const b = await run(['--coefficient', '1.5', '10']);
    assert.match(b.err, /coefficient \(D3\) is an integer from 1 to 999999/);
    // 0 would zero every kWh: refused too.
    const c = await run(['--coefficient', '0', '10']);
    assert.match(c.err, /coefficient \(D3\) is an integer from 1 to 999999/);
    assert.ok(c.error);
  });
});
