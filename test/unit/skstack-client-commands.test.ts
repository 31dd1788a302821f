import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkstackClient, type Notification } from '../../src/skstack/client.js';
import { SkstackCommandError } from '../../src/skstack/errors.js';
import { BmeterError } from '../../src/errors.js';
import {
  ScriptedTransport,
  singleOpen,
  dualOpen,
  lines,
  FAST,
  FAST_DRAIN_REPLY,
  SHORT_COMMANDS,
  type Step,
} from './skstack-fake-transport.js';
import { capture, captureLines } from '../fixtures/captures.js';

async function opened(
  steps: Step[],
  options: { byteByByte?: boolean; dialect?: 'single' | 'dual'; timeouts?: typeof FAST } = {},
) {
  const dual = options.dialect === 'dual';
  const t = new ScriptedTransport([...(dual ? dualOpen() : singleOpen()), ...steps], {
    byteByByte: options.byteByByte ?? false,
  });
  // dualOpen answers the drain poke
  const client = new SkstackClient(t, {
    clock: t.clock,
    timeouts: options.timeouts ?? (dual ? FAST_DRAIN_REPLY : FAST),
  });
  const notes: Notification[] = [];
  client.onNotification((n) => notes.push(n));
  await client.open();
  return { t, client, notes };
}

const METER = 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB';
const GET_E7 = Buffer.from('1081525305FF010288016201E700', 'hex');

describe('SkstackClient.scan', () => {
  it('collects the single-stack EPANDESC and resolves on EVENT 22 (capture ak1211-bp35a1-scan)', async () => {
    const raw = captureLines('ak1211-bp35a1-scan').slice(1); // the capture's first line is the sent command
    const { client } = await opened([{ expect: 'SKSCAN 2 FFFFFFFF 6\r\n', reply: [lines(...raw)] }], {
      byteByByte: true,
    });
    const seen: string[] = [];
    const pans = await client.scan(6, { onProgress: (p) => seen.push(p.addr) });
    assert.deepEqual(pans, [
      {
        channel: 59,
        channelHex: '3B',
        channelPage: 9,
        panId: '0000',
        addr: '0000000000000000',
        lqi: 178,
        pairId: '00000000',
      },
    ]);
    assert.deepEqual(seen, ['0000000000000000']);
  });

  it('sends the side argument on dual-stack and ignores the stray OK and the repeated echo (capture rswsuha-scan-side)', async () => {
    const chunks = (capture('rswsuha-scan-side').raw_chunks as string[]).map((c) =>
      c.startsWith(' 20 ') ? `EVENT${c}` : c,
    );
    const { client } = await opened([{ expect: 'SKSCAN 2 FFFFFFFF 6 0\r\n', reply: chunks }], { dialect: 'dual' });
    // The real stick echoes on this capture; the echo must be matched even after SFE 0.
    const pans = await client.scan(6);
    assert.deepEqual(pans, [
      {
        channel: 49,
        channelHex: '31',
        channelPage: 9,
        panId: 'B5FB',
        addr: '0011223344556677',
        lqi: 221,
        side: 0,
        pairId: '0194BFAD',
      },
    ]);
    assert.ok(client.stats.strayStatus >= 1);
  });

  it('reads the dual-stack EPANDESC of a BP35C2 (capture uone-bp35c2-epandesc-side) and limits the mask to one channel', async () => {
    const raw = captureLines('uone-bp35c2-epandesc-side').slice(1);
    const { client } = await opened(
      [
        {
          expect: 'SKSCAN 2 00000001 5 0\r\n',
          reply: [lines(...raw, 'EVENT 22 2001:0DB8:0000:0000:011A:1111:0000:0001 0')],
        },
      ],
      { dialect: 'dual' },
    );
    const pans = await client.scan(5, { channelMask: 1 });
    assert.equal(pans.length, 1);
    assert.equal(pans[0]?.side, 0);
    assert.equal(pans[0]?.pairId, '0112CE67');
    assert.equal(pans[0]?.channel, 33);
  });

  it('drops a masked EPANDESC it cannot use instead of returning NaN channels (capture hnw-dse-scan-masked)', async () => {
    const raw = captureLines('hnw-dse-scan-masked').slice(1, 12);
    const { client } = await opened([{ expect: 'SKSCAN 2 FFFFFFFF 7 0\r\n', reply: [lines(...raw)] }], {
      dialect: 'dual',
    });
    assert.deepEqual(await client.scan(7), []);
  });

  it('retries with the side argument after FAIL ER05 when the dialect was only guessed', async () => {
    const steps = singleOpen();
    steps[2] = { expect: 'SKVER\r\n', reply: [lines('EVER 9.9.9', 'OK')] };
    steps[3] = { expect: 'SKINFO\r\n', reply: [lines('FAIL ER04')] };
    const t = new ScriptedTransport([
      ...steps,
      { expect: 'SKSCAN 2 FFFFFFFF 3\r\n', reply: [lines('FAIL ER05')] },
      { expect: 'SKSCAN 2 FFFFFFFF 3 0\r\n', reply: [lines('OK', 'EVENT 22 FE80::1 0')] },
    ]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST });
    await client.open();
    assert.deepEqual(await client.scan(3), []);
    assert.equal(client.dialect, 'dual');
    assert.equal(client.info?.dialectSource, 'fallback');
  });

  it('does not second-guess a dialect chosen by the user: FAIL ER05 is reported', async () => {
    const t = new ScriptedTransport([
      ...singleOpen(),
      { expect: 'SKSCAN 2 FFFFFFFF 3\r\n', reply: [lines('FAIL ER05')] },
    ]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: FAST, dialect: 'single' });
    await client.open();
    await assert.rejects(
      client.scan(3),
      (err: unknown) =>
        err instanceof SkstackCommandError &&
        err.failCode === '05' &&
        err.message === 'SKSCAN failed: FAIL ER05 (wrong number of arguments — single/dual-stack dialect mismatch?)',
    );
  });

  it('times out a scan after its computed dwell when EVENT 22 never comes', async () => {
    const { client } = await opened([{ expect: 'SKSCAN 2 FFFFFFFF 0\r\n', reply: [lines('OK')] }]);
    await assert.rejects(
      client.scan(0, { timeoutMs: 30 }),
      (err: unknown) => err instanceof BmeterError && err.code === 'TIMEOUT' && /SKSCAN/.test(err.message),
    );
  });
});

describe('SkstackClient.ll64 and registers', () => {
  it('takes the bare address line of SKLL64 as the answer, without waiting for an OK (capture rswsuha-sreg-ll64)', async () => {
    const chunks = capture('rswsuha-sreg-ll64').raw_chunks as string[];
    const { client } = await opened(
      [
        { expect: 'SKSREG S2 31\r\n', reply: [chunks[0] ?? ''] },
        { expect: 'SKSREG S3 B5FB\r\n', reply: [chunks[1] ?? ''] },
        { expect: 'SKLL64 0011223344556677\r\n', reply: [chunks[2] ?? ''] },
        { expect: 'SKSREG S3\r\n', reply: [lines('SKSREG S3', 'ESREG B5FB', 'OK')] },
      ],
      { dialect: 'dual', byteByByte: true },
    );
    await client.setRegister('S2', '31');
    await client.setRegister('S3', 'B5FB');
    assert.equal(await client.ll64('0011223344556677'), 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB');
    assert.equal(await client.getRegister('S3'), 'B5FB');
  });

  it('does not take a stray OK before ESREG as the register value', async () => {
    const { client } = await opened([{ expect: 'SKSREG S02\r\n', reply: [lines('OK', 'ESREG 21', 'OK')] }]);
    assert.equal(await client.getRegister('S02'), '21');
    assert.equal(client.stats.strayStatus, 1);
  });

  it('hands EVENT and ERXUDP lines that come between an echo and its OK to the subscriber', async () => {
    const erx =
      'ERXUDP FE80:0000:0000:0000:021C:6400:6014:21A3 FE80:0000:0000:0000:021D:1290:0005:747B 0E1A 0E1A 001C6400601421A3 1 0012 1081000102880105FF017201D30400000001';
    const { client, notes } = await opened(
      [
        {
          expect: 'SKSREG S16 3C\r\n',
          reply: [lines('SKSREG S16 3C', 'EVENT 29 FE80:0000:0000:0000:021C:6400:6014:21A3', erx, 'OK')],
        },
      ],
      { byteByByte: true },
    );
    await client.setRegister('S16', '3C');
    assert.deepEqual(
      notes.map((n) => (n.type === 'event' ? `EVENT ${n.num.toString(16)}` : 'ERXUDP')),
      ['EVENT 29', 'ERXUDP'],
    );
  });

  it('counts garbage lines and never throws on them', async () => {
    const { client } = await opened([
      { expect: 'SKSREG SFE 0\r\n', reply: [lines('\u0000\u00ff\u0013', 'EUNKNOWN 1 2', '  Channel:21'), 'OK\r\n'] },
    ]);
    await client.setRegister('SFE', '0');
    assert.equal(client.stats.unknownLines, 3);
  });

  it('rejects bad register names and values with USAGE before writing', async () => {
    const { client, t } = await opened([]);
    await assert.rejects(
      client.setRegister('SFE\r\nSKRESET', '0'),
      (err: unknown) => err instanceof BmeterError && err.code === 'USAGE',
    );
    await assert.rejects(client.ll64('nothex'), (err: unknown) => err instanceof BmeterError && err.code === 'USAGE');
    assert.equal(t.remaining, 0);
  });
});

describe('SkstackClient.join', () => {
  it('resolves on EVENT 25 after the real PANA exchange and passes the rest on (capture rswsuha-skjoin-pana-sequence)', async () => {
    const raw = captureLines('rswsuha-skjoin-pana-sequence').filter((l) => !l.includes('<PANA payload'));
    const { client, notes } = await opened(
      [{ expect: `SKJOIN ${METER}\r\n`, reply: [lines(`SKJOIN ${METER}`, 'OK'), lines(...raw)] }],
      { dialect: 'dual' },
    );
    await client.join(METER, 1000);
    await new Promise((r) => setImmediate(r));
    const d5 = notes.find((n) => n.type === 'erxudp' && n.lport === 0x0e1a);
    assert.ok(d5?.type === 'erxudp');
    assert.equal(d5.data.toString('hex').toUpperCase(), '108100000EF0010EF0017301D50401028801');
    assert.ok(!notes.some((n) => n.type === 'event' && n.num === 0x25), 'EVENT 25 belongs to SKJOIN');
  });

  it('fails with AUTH on EVENT 24 from the meter and names the fix', async () => {
    const { client } = await opened([
      { expect: `SKJOIN ${METER}\r\n`, reply: [lines('OK', `EVENT 21 ${METER} 02`, `EVENT 24 ${METER}`)] },
    ]);
    await assert.rejects(
      client.join(METER, 1000),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'AUTH' &&
        err.exitCode === 4 &&
        /EVENT 24 .*BMETER_ROUTEB_ID/.test(err.message),
    );
  });

  it('ignores EVENT 25 from another address and times out with a clear message', async () => {
    const { client, notes } = await opened([
      { expect: `SKJOIN ${METER}\r\n`, reply: [lines('OK', 'EVENT 25 FE80:0000:0000:0000:0000:0000:0000:0001')] },
    ]);
    await assert.rejects(
      client.join(METER, 50),
      (err: unknown) => err instanceof BmeterError && err.code === 'TIMEOUT' && /EVENT 25/.test(err.message),
    );
    assert.equal(notes.length, 1);
  });
});

describe('SkstackClient.sendTo', () => {
  it('writes the header, one space and the raw bytes with no CRLF, and returns EVENT 21 before OK (capture ak1211-bp35a1-sendto-event21-ok-order)', async () => {
    const addr = '0000:0000:0000:0000:0000:0000:0000:0000';
    const header = `SKSENDTO 1 ${addr} 0E1A 1 000E `;
    const { client, t } = await opened([
      {
        expect: Buffer.concat([Buffer.from(header), GET_E7]),
        reply: [lines(...captureLines('ak1211-bp35a1-sendto-event21-ok-order'))],
      },
    ]);
    assert.deepEqual(await client.sendTo(addr, GET_E7, { port: 0x0e1a }), { param: 0 });
    assert.ok(
      t.writes
        .at(-1)
        ?.subarray(-2)
        .equals(Buffer.from([0xe7, 0x00])),
    );
  });

  it('tolerates the dual-stack echo and routes the glued answer to the subscriber (capture rswsuha-sksendto-echo-e7-228w)', async () => {
    const raw = captureLines('rswsuha-sksendto-echo-e7-228w');
    const header = `SKSENDTO 1 ${METER} 0E1A 1 0 000E `;
    const { client, notes } = await opened(
      [{ expect: Buffer.concat([Buffer.from(header), GET_E7]), reply: [lines(...raw)] }],
      { dialect: 'dual', byteByByte: true },
    );
    assert.deepEqual(await client.sendTo(METER, GET_E7, { port: 0x0e1a }), { param: 0 });
    await new Promise((r) => setImmediate(r));
    const answer = notes.find((n) => n.type === 'erxudp');
    assert.ok(answer?.type === 'erxudp');
    assert.equal(answer.data.toString('hex').toUpperCase(), '1081525302880105FF017201E704000000E4');
  });

  it('reports the last EVENT 21 from the destination, ignoring other senders and an empty CRLF', async () => {
    const other = 'FE80:0000:0000:0000:0000:0000:0000:0001';
    const { client, notes } = await opened(
      [
        {
          expect: /^SKSENDTO 1 /,
          reply: [
            lines(
              '',
              `EVENT 21 ${METER} 0 02`,
              `EVENT 02 ${METER} 0`,
              `EVENT 21 ${other} 0 01`,
              `EVENT 21 ${METER} 0 00`,
              'OK',
            ),
          ],
        },
      ],
      { dialect: 'dual' },
    );
    assert.deepEqual(await client.sendTo(METER, GET_E7, { port: 0x0e1a }), { param: 0 });
    assert.deepEqual(
      notes.map((n) => n.type === 'event' && n.num),
      [0x02, 0x21],
    );
  });

  it('names the time it really waited when the overall SKSENDTO limit ends it before the status timeout', async () => {
    const t = new ScriptedTransport([...singleOpen(), { expect: /^SKSENDTO / }]);
    const client = new SkstackClient(t, { clock: t.clock, timeouts: { ...FAST, commandMs: 1000, sendToMs: 50 } });
    await client.open();
    await assert.rejects(
      client.sendTo(METER, GET_E7, { port: 0x0e1a }),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'TIMEOUT' &&
        /: no answer from \/dev\/ttyUSB0 within 0\.05 s$/.test(err.message),
    );
  });

  it('turns FAIL ER10 into COMMAND_FAILED with failCode 10 and the meaning', async () => {
    const { client } = await opened([{ expect: /^SKSENDTO /, reply: [lines('FAIL ER10')] }]);
    await assert.rejects(
      client.sendTo(METER, GET_E7, { port: 0x0e1a }),
      (err: unknown) =>
        err instanceof SkstackCommandError &&
        err.code === 'COMMAND_FAILED' &&
        err.failCode === '10' &&
        err.message === 'SKSENDTO failed: FAIL ER10 (command accepted but execution failed — no PANA session?)',
    );
  });

  it('parses a binary ERXUDP answer with CR LF inside its data after ROPT said binary (capture wisun2mqtt-binary-crlf-inside-data)', async () => {
    const bin = (
      capture('wisun2mqtt-binary-crlf-inside-data').raw_binary_lines as Array<{
        ascii_prefix: string;
        data_hex: string;
      }>
    )[0];
    assert.ok(bin);
    const frame = Buffer.concat([Buffer.from(bin.ascii_prefix), Buffer.from(bin.data_hex, 'hex'), Buffer.from('\r\n')]);
    const { client, notes, t } = await opened(
      [{ expect: /^SKSENDTO /, reply: [lines(`EVENT 21 ${METER} 00`, 'OK')] }],
      { byteByByte: true },
    );
    await client.sendTo(METER, GET_E7, { port: 0x0e1a });
    t.emit(frame);
    assert.equal(notes.length, 1);
    assert.ok(notes[0]?.type === 'erxudp');
    assert.equal(notes[0].data.toString('hex').toUpperCase(), bin.data_hex);
  });
});

describe('SkstackClient.terminate and close', () => {
  it('resolves SKTERM on EVENT 27 and treats FAIL ER10 as no session', async () => {
    const { client } = await opened([
      { expect: 'SKTERM\r\n', reply: [lines('OK', `EVENT 27 ${METER}`)] },
      { expect: 'SKTERM\r\n', reply: [lines('FAIL ER10')] },
    ]);
    assert.equal(await client.terminate(), 'terminated');
    assert.equal(await client.terminate(), 'no-session');
  });

  it('queues commands and rejects the pending and queued ones with CLOSED on close', async () => {
    const { client, t } = await opened([{ expect: 'SKSREG S2 21\r\n' }]);
    const first = client.setRegister('S2', '21');
    const second = client.getRegister('S3');
    await new Promise((r) => setImmediate(r));
    assert.equal(t.written.filter((w) => /^SKSREG S[23]/.test(w)).length, 1, 'one command in flight');
    await client.close();
    for (const p of [first, second])
      await assert.rejects(p, (err: unknown) => err instanceof BmeterError && err.code === 'CLOSED');
    await assert.rejects(
      client.getRegister('S3'),
      (err: unknown) => err instanceof BmeterError && err.code === 'CLOSED',
    );
    assert.ok(t.closed);
  });

  it('rejects the pending command with CLOSED when the stick goes away', async () => {
    const { client, t } = await opened([{ expect: `SKJOIN ${METER}\r\n`, reply: [lines('OK')] }]);
    const joining = client.join(METER, 5000);
    await new Promise((r) => setImmediate(r));
    t.hangUp(new Error('device disconnected'));
    await assert.rejects(
      joining,
      (err: unknown) => err instanceof BmeterError && err.code === 'CLOSED' && /unplugged/.test(err.message),
    );
  });

  it('resyncs with SKVER after an abandoned command so its late OK is not taken for the next one (echo off)', async () => {
    const { client, t } = await opened(
      [
        { expect: 'SKSREG S2 21\r\n' },
        { expect: 'SKVER\r\n', reply: [lines('OK', 'EVER 1.2.10', 'OK')] },
        { expect: 'SKSREG S3 8888\r\n', reply: [lines('FAIL ER06')] },
      ],
      { timeouts: SHORT_COMMANDS },
    );
    await assert.rejects(
      client.setRegister('S2', '21'),
      (err: unknown) => err instanceof BmeterError && err.code === 'TIMEOUT',
    );
    await assert.rejects(
      client.setRegister('S3', '8888'),
      (err: unknown) => err instanceof SkstackCommandError && err.failCode === '06',
    );
    assert.deepEqual(t.written.slice(-2), ['SKVER\r\n', 'SKSREG S3 8888\r\n']);
  });

  it('fails the command a resync guards when the stick does not answer the SKVER either, instead of resyncing for ever', async () => {
    const { client, t } = await opened(
      [
        { expect: 'SKSREG S2 21\r\n' }, // a hung stick: no status
        { expect: 'SKVER\r\n' }, // no EVER either
        { expect: 'SKVER\r\n', reply: [lines('EVER 1.2.10', 'OK')] }, // the stick is back
        { expect: 'SKSREG S3 8888\r\n', reply: [lines('OK')] },
      ],
      { timeouts: SHORT_COMMANDS },
    );
    await assert.rejects(
      client.setRegister('S2', '21'),
      (err: unknown) => err instanceof BmeterError && err.code === 'TIMEOUT',
    );
    await assert.rejects(
      client.setRegister('S3', '8888'),
      (err: unknown) => err instanceof BmeterError && err.code === 'TIMEOUT' && /^SKVER/.test(err.message),
    );
    await client.setRegister('S3', '8888');
    assert.deepEqual(t.written.slice(-4), ['SKSREG S2 21\r\n', 'SKVER\r\n', 'SKVER\r\n', 'SKSREG S3 8888\r\n']);
  });
});
