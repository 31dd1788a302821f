import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { SkstackClient } from '../../src/skstack/client.js';
import { BmeterError } from '../../src/errors.js';
import {
  ScriptedTransport,
  singleOpen,
  dualOpen,
  lines,
  FAST,
  FAST_DRAIN_REPLY,
  type Step,
} from './skstack-fake-transport.js';
import { captureLines } from '../fixtures/captures.js';

describe('SkstackClient.open', () => {
  it('opens a single-stack BP35A1 without SKRESET or WOPT and records dialect and format', async () => {
    const t = new ScriptedTransport(singleOpen());
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST });
    const info = await client.open();
    assert.deepEqual(info, {
      firmware: '1.2.10',
      dialect: 'single',
      dialectSource: 'einfo',
      erxudpFormat: 'binary',
      ownIpv6: 'FE80:0000:0000:0000:021D:1290:1234:5678',
      ownMac: '001D129012345678',
    });
    assert.deepEqual(t.written, ['\r\n', 'SKSREG SFE 0\r\n', 'SKVER\r\n', 'SKINFO\r\n', 'ROPT\r']);
    assert.equal(client.dialect, 'single');
  });

  it('opens a dual-stack RS-WSUHA-P whose replies arrive one byte at a time, echoes and CR-only ROPT included', async () => {
    const t = new ScriptedTransport(dualOpen(), { byteByByte: true });
    const info = await new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY }).open();
    assert.equal(info.firmware, '1.5.2');
    assert.equal(info.dialect, 'dual');
    assert.equal(info.erxudpFormat, 'hex');
    assert.equal(t.remaining, 0);
  });

  it('reports a port that fails the very first write as a PORT error, not an internal one', async () => {
    const t = new ScriptedTransport([]);
    t.write = async () => {
      throw new Error('Input/output error, cannot write');
    };
    await assert.rejects(
      new SkstackClient(t, { clock: t.clock, timeouts: FAST }).open(),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'PORT' &&
        /writing to \/dev\/ttyUSB0 failed: Input\/output error/.test(err.message),
    );
  });

  it('still opens when the stick keeps echoing every command (SFE reloaded from flash)', async () => {
    const echoed: Step[] = [
      { expect: '\r\n' },
      { expect: 'SKSREG SFE 0\r\n', reply: [lines('SKSREG SFE 0', 'OK')] },
      { expect: 'SKVER\r\n', reply: [lines('SKVER', 'EVER 1.5.2', 'OK')] }, // capture rswsuha-skver
      { expect: 'SKINFO\r\n', reply: [lines(...captureLines('futomi-skver-einfo-dual').slice(3, 6))] },
      { expect: 'ROPT\r', reply: ['ROPT\r\nOK 01\r'] }, // capture rswsuha-ropt-ruart
    ];
    const t = new ScriptedTransport(echoed);
    const info = await new SkstackClient(t, { clock: t.clock, timeouts: FAST }).open();
    assert.equal(info.dialect, 'dual');
    assert.equal(info.ownIpv6, 'FE80:0000:0000:0000:021D:1291:0004:FFFF');
  });

  it('treats FAIL ER04 on ROPT as a hex-only RL7023 Stick-D/IPS', async () => {
    const t = new ScriptedTransport(singleOpen([lines('FAIL ER04')]));
    const info = await new SkstackClient(t, { clock: t.clock, timeouts: FAST }).open();
    assert.equal(info.erxudpFormat, 'hex');
    assert.ok(!t.written.some((w) => w.startsWith('WOPT')));
  });

  it('writes WOPT 01 only when asked to and only when ROPT said binary', async () => {
    const t = new ScriptedTransport([...singleOpen(['OK 00\r']), { expect: 'WOPT 01\r', reply: ['OK\r'] }]);
    const info = await new SkstackClient(t, { clock: t.clock, timeouts: FAST, setHexOutput: true }).open();
    assert.equal(info.erxudpFormat, 'hex');
    assert.equal(t.written.at(-1), 'WOPT 01\r');

    const already = new ScriptedTransport(singleOpen(['OK 01\r']));
    await new SkstackClient(already, { clock: already.clock, timeouts: FAST, setHexOutput: true }).open();
    assert.ok(!already.written.some((w) => w.startsWith('WOPT')));
  });

  it('lets an explicit dialect option override what SKINFO says', async () => {
    const t = new ScriptedTransport(singleOpen());
    const info = await new SkstackClient(t, { clock: t.clock, timeouts: FAST, dialect: 'dual' }).open();
    assert.equal(info.dialect, 'dual');
    assert.equal(info.dialectSource, 'option');
  });

  it('falls back to the firmware version when SKINFO fails', async () => {
    const steps = singleOpen();
    steps[2] = { expect: 'SKVER\r\n', reply: [lines('EVER 1.5.2', 'OK')] };
    steps[3] = { expect: 'SKINFO\r\n', reply: [lines('FAIL ER04')] };
    const t = new ScriptedTransport(steps);
    const info = await new SkstackClient(t, { clock: t.clock, timeouts: FAST }).open();
    assert.equal(info.dialect, 'dual');
    assert.equal(info.dialectSource, 'version');
    assert.equal(info.ownIpv6, undefined);
  });

  it('discards what the stick says during the initial drain', async () => {
    const steps = singleOpen();
    steps[0] = { expect: '\r\n', reply: [lines('OK', 'FAIL ER04', 'garbage \u00ff')] };
    const t = new ScriptedTransport(steps);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY });
    const info = await client.open();
    assert.equal(info.firmware, '1.2.10');
    assert.equal(client.stats.strayStatus, 0);
  });

  it('fails with NOT_SKSTACK and a clear message when nothing answers SKVER within 2 s', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const t = new ScriptedTransport([{ expect: '\r\n' }, { expect: 'SKSREG SFE 0\r\n' }, { expect: 'SKVER\r\n' }]);
      const opening = new SkstackClient(t, { timeouts: { drainMs: 100, commandMs: 2000 } }).open();
      let settled: unknown;
      opening.then(
        () => (settled = 'resolved'),
        (err: unknown) => (settled = err),
      );
      for (let i = 0; i < 100 && settled === undefined; i++) {
        await new Promise((r) => setImmediate(r));
        mock.timers.tick(100);
      }
      assert.ok(settled instanceof BmeterError);
      assert.equal(settled.code, 'NOT_SKSTACK');
      assert.equal(
        settled.message,
        'no answer to SKVER on /dev/ttyUSB0 within 2 s — is this a SKSTACK IP stick at 115200 baud?',
      );
    } finally {
      mock.timers.reset();
    }
  });

  it('refuses a ROHM J11 stick by name as soon as a J11 frame appears', async () => {
    const j11Frame = Buffer.from('D0F9EE5D6019000400000000', 'hex');
    const t = new ScriptedTransport([{ expect: '\r\n', reply: [j11Frame.subarray(0, 2), j11Frame.subarray(2)] }]);
    await assert.rejects(
      new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY }).open(),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'NOT_SKSTACK' &&
        /ROHM J11 stick \(BP35C0-J11 \/ BP35C2-J11-T01 \/ RS-WSUHA-J11\), which does not speak SKSTACK IP/.test(
          err.message,
        ),
    );
  });

  it('refuses a J11 stick that answers SKVER with a J11 error frame', async () => {
    const t = new ScriptedTransport([
      { expect: '\r\n' },
      { expect: 'SKSREG SFE 0\r\n' },
      { expect: 'SKVER\r\n', reply: [Buffer.from('D0F9EE5D20FF0004', 'hex')] },
    ]);
    await assert.rejects(
      new SkstackClient(t, { clock: t.clock, timeouts: { ...FAST, commandMs: 50, skverMs: 2000 } }).open(),
      /ROHM J11/,
    );
  });
});

describe('secret masking', () => {
  it('never logs the Route-B password or ID, not even their echoes at trace level', async () => {
    const password = 'Pw0123456789';
    const id = '00112233445566778899AABBCCDDEEFF';
    const out: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (s: string) => void out.push(s) });
    const t = new ScriptedTransport([
      ...dualOpen(),
      { expect: `SKSETPWD C ${password}\r\n`, reply: [lines(`SKSETPWD C ${password}`, 'OK')] },
      { expect: `SKSETRBID ${id}\r\n`, reply: [lines(`SKSETRBID ${id}`, 'FAIL ER06', `xxSKSETRBID ${id}`)] },
    ]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY, logger });
    await client.open();
    await client.setPassword(password);
    await assert.rejects(
      client.setRouteBId(id),
      (err: unknown) => err instanceof BmeterError && !err.message.includes(id),
    );
    await new Promise((r) => setImmediate(r));
    const log = out.join('');
    assert.ok(log.includes('SKSETPWD C ********'), 'the command itself is logged, masked');
    assert.ok(log.includes('SKSETRBID ********'));
    assert.ok(!log.includes(password), 'password leaked');
    assert.ok(!log.includes(id), 'Route-B ID leaked');
    assert.ok(!log.includes(id.slice(-8)), 'the pairing-ID tail of the Route-B ID leaked');
  });

  it('logs a late echo of a credential command without any character of the secret', async () => {
    const password = 'Pw0123456789';
    const id = '00112233445566778899AABBCCDDEEFF';
    const out: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void out.push(s) });
    // The status comes first (echo off), so each echo arrives with no command in flight.
    const t = new ScriptedTransport([
      ...dualOpen(),
      { expect: `SKSETPWD C ${password}\r\n`, reply: [lines('OK', `SKSETPWD C ${password}`)] },
      { expect: `SKSETRBID ${id}\r\n`, reply: [lines('OK', `SKSETRBID ${id}`)] },
    ]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY, logger });
    await client.open();
    await client.setPassword(password);
    await client.setRouteBId(id);
    // Both echoes are logged as such, by their command word only (on a loaded machine an echo of the open
    // sequence may come late too: it is counted, and is no secret).
    const echoed = (word: string): boolean => out.join('').includes(`"echo":"${word}","msg":"echo of no command`);
    const end = Date.now() + 10_000;
    while (!(echoed('SKSETPWD') && echoed('SKSETRBID')) && Date.now() < end) await new Promise(setImmediate);
    assert.ok(echoed('SKSETPWD') && echoed('SKSETRBID'), out.join(''));
    assert.ok(client.stats.staleEchoes >= 2);
    const log = out.join('');
    assert.ok(!log.includes('SKSETPWD C P'), 'the first password character leaked');
    assert.ok(!log.includes('SKSETRBID 0'), 'the first Route-B ID characters leaked');
  });

  it('rejects malformed credentials before anything is written', async () => {
    const t = new ScriptedTransport([]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST });
    await assert.rejects(
      client.setPassword('has space'),
      (err: unknown) => err instanceof BmeterError && err.code === 'CONFIG' && !err.message.includes('has space'),
    );
    await assert.rejects(
      client.setRouteBId('short'),
      (err: unknown) => err instanceof BmeterError && err.code === 'CONFIG',
    );
    assert.equal(t.writes.length, 0);
  });
});

describe('PANA payload logging', () => {
  it('does not log PANA payloads (they carry the Route-B ID) even at trace level', async () => {
    const meter = 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB';
    const pana = captureLines('rswsuha-skjoin-pana-sequence').filter(
      (l) => l.includes(' 02CC 02CC ') && !l.includes('<PANA payload'),
    );
    const out: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (s: string) => void out.push(s) });
    const t = new ScriptedTransport([
      ...dualOpen(),
      { expect: `SKJOIN ${meter}\r\n`, reply: [lines('OK', ...pana, `EVENT 25 ${meter} 0`)] },
    ]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY, logger });
    await client.open();
    await client.join(meter, 1000);
    const log = out.join('');
    assert.ok(log.includes('bytes PANA, not logged'));
    for (const line of pana) assert.ok(!log.includes(line.split(' ').at(-1) ?? 'x'), 'a PANA payload reached the log');
  });

  it('does not log the data of a PANA line that failed to parse (the Route-B ID inside is hex-encoded)', async () => {
    const meter = 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB';
    const idHex = Buffer.from('00112233445566778899AABBCCDDEEFF', 'latin1').toString('hex').toUpperCase();
    // DATALEN says 0x30 bytes, but a byte was lost on the wire: the line stays text with a fault.
    const truncated = `ERXUDP ${meter} FE80:0000:0000:0000:021D:1291:0004:E578 02CC 02CC C0F945004058B5FB 0 0 0030 00000000${idHex}0102030405`;
    const out: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (s: string) => void out.push(s) });
    const t = new ScriptedTransport([
      ...dualOpen(),
      { expect: `SKJOIN ${meter}\r\n`, reply: [lines('OK', truncated, `EVENT 25 ${meter} 0`)] },
    ]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST_DRAIN_REPLY, logger });
    await client.open();
    await client.join(meter, 1000);
    const log = out.join('');
    assert.ok(log.includes('02CC C0F945004058B5FB 0 0 0030 <PANA data not logged>'), 'the header is still logged');
    assert.ok(!log.includes(idHex.slice(0, 16)), 'the hex-encoded Route-B ID reached the log');
  });
});
