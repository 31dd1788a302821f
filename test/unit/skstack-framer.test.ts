import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkFramer } from '../../src/skstack/framer.js';
import type { SkLine } from '../../src/skstack/lines.js';
import { capture, captureLines } from '../fixtures/captures.js';

/** Feeds the whole input one byte at a time (the worst fragmentation a UART can produce). */
function byteByByte(input: Buffer, framer = new SkFramer()): SkLine[] {
  const out: SkLine[] = [];
  for (const b of input) out.push(...framer.push(Buffer.from([b])));
  return out;
}

function crlf(lines: string[]): Buffer {
  return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
}

function binaryLine(id: string): Buffer {
  const c = capture(id) as { raw_binary_line?: BinaryLine; raw_binary_lines?: BinaryLine[] };
  const line = c.raw_binary_line ?? c.raw_binary_lines?.[0];
  if (!line) throw new Error(`${id} has no binary line`);
  return Buffer.concat([
    Buffer.from(line.ascii_prefix, 'latin1'),
    Buffer.from(line.data_hex, 'hex'),
    Buffer.from(line.terminator, 'latin1'),
  ]);
}
interface BinaryLine {
  ascii_prefix: string;
  data_hex: string;
  terminator: string;
}

describe('SkFramer', () => {
  it('reads a binary ERXUDP whose data contains CR LF as one datagram (capture wisun2mqtt-binary-crlf-inside-data)', () => {
    const input = Buffer.concat([binaryLine('wisun2mqtt-binary-crlf-inside-data'), Buffer.from('OK\r\n')]);
    const lines = new SkFramer().push(input);
    assert.equal(lines.length, 2);
    const [erx, ok] = lines;
    assert.equal(erx?.type, 'erxudp');
    if (erx?.type !== 'erxudp') return;
    assert.equal(
      erx.data.toString('hex').toUpperCase(),
      '108106E102880105FF017206800130880142E70400000698E80400A00D0AE0040004F3FDE3040000000B',
    );
    assert.equal(erx.secured, false);
    assert.equal(erx.side, 0);
    assert.deepEqual(ok, { type: 'ok' });
  });

  it('reads the same binary datagram when every byte arrives in its own chunk', () => {
    const lines = byteByByte(binaryLine('wisun2mqtt-binary-crlf-inside-data'));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.type === 'erxudp' && lines[0].data.length, 0x2a);
  });

  it('reads binary ERXUDP from a BP35C2 with the format known from ROPT (capture uone-bp35c2-binary-e7)', () => {
    const lines = byteByByte(binaryLine('uone-bp35c2-binary-e7'), new SkFramer({ erxudpFormat: 'binary' }));
    assert.equal(lines.length, 1);
    const erx = lines[0];
    assert.ok(erx?.type === 'erxudp');
    assert.equal(erx.data.toString('hex').toUpperCase(), '1081000102880105FF017201E704000001F8');
    assert.equal(erx.sender, 'FE80:0000:0000:0000:021C:6400:030C:12A4');
    assert.equal(erx.side, 0);
    assert.equal(erx.secured, true);
  });

  it('trusts ROPT "binary" even when the first data byte looks like a hex digit', () => {
    const header = 'ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400030C12A4 1 0002 ';
    const lines = new SkFramer({ erxudpFormat: 'binary' }).push(Buffer.from(`${header}AB\r\n`, 'latin1'));
    assert.equal(lines[0]?.type === 'erxudp' && lines[0].data.toString('latin1'), 'AB');
  });

  it('reads hex ERXUDP lines split byte by byte (capture rswsuha-skjoin-pana-sequence)', () => {
    const raw = captureLines('rswsuha-skjoin-pana-sequence').filter((l) => !l.includes('<PANA payload'));
    const lines = byteByByte(crlf(raw));
    assert.deepEqual(
      lines.map((l) => l.type),
      ['event', 'event', 'erxudp', 'event', 'event', 'erxudp', 'event', 'erxudp', 'event', 'event', 'erxudp'],
    );
    const last = lines.at(-1);
    assert.ok(last?.type === 'erxudp');
    assert.equal(last.data.toString('hex').toUpperCase(), '108100000EF0010EF0017301D50401028801');
    assert.equal(last.dest, 'FF02:0000:0000:0000:0000:0000:0000:0001');
    assert.deepEqual(lines[0], {
      type: 'event',
      num: 0x21,
      sender: 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB',
      side: 0,
      param: 2,
    });
    assert.deepEqual(lines[9], {
      type: 'event',
      num: 0x25,
      sender: 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB',
      side: 0,
    });
  });

  it('ends a CR-only ROPT reply at the CR even when nothing follows (capture rswsuha-ropt-ruart)', () => {
    const framer = new SkFramer();
    const [chunk1, chunk2] = capture('rswsuha-ropt-ruart').raw_chunks as [string, string];
    assert.deepEqual(framer.push(Buffer.from(chunk1, 'latin1')), [
      { type: 'echo', command: 'ROPT' },
      { type: 'ok', value: '01' },
    ]);
    assert.deepEqual(framer.push(Buffer.from(chunk2, 'latin1')), [
      { type: 'echo', command: 'RUART' },
      { type: 'ok', value: '80' },
    ]);
  });

  it('swallows the LF of a CRLF whose CR ended the previous chunk, without an empty line', () => {
    const framer = new SkFramer();
    assert.deepEqual(framer.push(Buffer.from('OK\r')), [{ type: 'ok' }]);
    assert.deepEqual(framer.push(Buffer.from('\nEVER 1.2.10\r\n')), [{ type: 'ever', version: '1.2.10' }]);
  });

  it('keeps a real empty line (CRLF CRLF) as one empty line', () => {
    assert.deepEqual(new SkFramer().push(Buffer.from('\r\n\r\nOK\r\n')), [
      { type: 'empty' },
      { type: 'empty' },
      { type: 'ok' },
    ]);
  });

  it('turns a single-stack EPANDESC block into one descriptor (capture ak1211-bp35a1-scan)', () => {
    const lines = byteByByte(crlf(captureLines('ak1211-bp35a1-scan')));
    assert.deepEqual(
      lines.map((l) => l.type),
      ['echo', 'ok', 'event', 'epandesc', 'event'],
    );
    assert.deepEqual(lines[3], {
      type: 'epandesc',
      channel: 59,
      channelHex: '3B',
      channelPage: 9,
      panId: '0000',
      addr: '0000000000000000',
      lqi: 0xb2,
      pairId: '00000000',
    });
  });

  it('emits the dual-stack EPANDESC with Side as soon as PairID arrives (capture uone-bp35c2-epandesc-side)', () => {
    const lines = new SkFramer().push(crlf(captureLines('uone-bp35c2-epandesc-side')));
    assert.deepEqual(lines.at(-1), {
      type: 'epandesc',
      channel: 33,
      channelHex: '21',
      channelPage: 1,
      panId: '0002',
      addr: '001A111100000002',
      lqi: 202,
      side: 0,
      pairId: '0112CE67',
    });
  });

  it('emits an EPANDESC without PairID (scan mode 3) at the next non-item line', () => {
    const framer = new SkFramer();
    const first = framer.push(
      crlf(['EPANDESC', '  Channel:21', '  Channel Page:09', '  Pan ID:8888', '  Addr:12345678ABCDEF01', '  LQI:E1']),
    );
    assert.deepEqual(first, []);
    const next = framer.push(crlf(['EVENT 22 FE80:0000:0000:0000:021D:1290:1234:5678']));
    assert.equal(next[0]?.type, 'epandesc');
    assert.equal(next[0]?.type === 'epandesc' && next[0].pairId, undefined);
    assert.equal(next[1]?.type, 'event');
  });

  it('marks a masked EPANDESC as faulty but keeps LQI and Side (capture hnw-dse-scan-masked)', () => {
    const lines = new SkFramer().push(crlf(captureLines('hnw-dse-scan-masked')));
    const desc = lines.find((l) => l.type === 'epandesc');
    assert.ok(desc?.type === 'epandesc');
    assert.equal(desc.lqi, 155);
    assert.equal(desc.side, 0);
    assert.match(desc.fault ?? '', /Channel "\*\*" is not hex/);
    assert.deepEqual(lines.at(-1), { type: 'text', text: 'FE80:0000:0000:0000:****:****:****:****' });
  });

  it('reassembles the real fragmented scan chunks of an RS-WSUHA-P (capture rswsuha-scan-side)', () => {
    const chunks = capture('rswsuha-scan-side').raw_chunks as string[];
    const framer = new SkFramer();
    // The article lost the leading "EVENT" of chunk 4 in an unshown read; restore it.
    const fixed = chunks.map((c) => (c.startsWith(' 20 ') ? `EVENT${c}` : c));
    const lines = fixed.flatMap((c) => framer.push(Buffer.from(c, 'latin1')));
    assert.deepEqual(
      lines.map((l) => l.type),
      ['ok', 'echo', 'ok', 'echo', 'ok', 'event', 'epandesc', 'event'],
    );
    const desc = lines[6];
    assert.ok(desc?.type === 'epandesc');
    assert.equal(desc.channel, 49);
    assert.equal(desc.panId, 'B5FB');
    assert.equal(desc.side, 0);
    assert.equal(desc.pairId, '0194BFAD');
  });

  it('ends the SKSENDTO echo at CRLF even when it holds non-ASCII bytes and a lone CR', () => {
    const echo = Buffer.concat([
      Buffer.from('SKSENDTO 1 FE80::1 0E1A 1 000E '),
      Buffer.from([0x81, 0xff, 0x0d, 0x88, 0x62]),
      Buffer.from('\r\nEVENT 21 FE80::1 00\r\nOK\r\n'),
    ]);
    const lines = byteByByte(echo);
    assert.deepEqual(
      lines.map((l) => l.type),
      ['echo', 'event', 'ok'],
    );
    assert.equal(lines[1]?.type === 'event' && lines[1].param, 0);
  });

  it('splits an ERXUDP glued behind echoed text (capture rswsuha-sksendto-echo-e7-228w)', () => {
    const lines = new SkFramer().push(crlf(captureLines('rswsuha-sksendto-echo-e7-228w')));
    assert.deepEqual(
      lines.map((l) => l.type),
      ['echo', 'event', 'ok', 'echo', 'erxudp'],
    );
    const erx = lines[4];
    assert.ok(erx?.type === 'erxudp');
    assert.equal(erx.data.toString('hex').toUpperCase(), '1081525302880105FF017201E704000000E4');
  });

  it('reads several lines delivered in one chunk and keeps the partial tail for later', () => {
    const framer = new SkFramer();
    const first = framer.push(Buffer.from('SKVER\r\nEVER 1.5.2\r\nOK\r\nSKIN'));
    assert.deepEqual(first, [{ type: 'echo', command: 'SKVER' }, { type: 'ever', version: '1.5.2' }, { type: 'ok' }]);
    assert.deepEqual(framer.push(Buffer.from('FO\r\n')), [{ type: 'echo', command: 'SKINFO' }]);
  });

  it('classifies FAIL codes, SKLL64 replies, garbage and broken ERXUDP without throwing', () => {
    const input = Buffer.concat([
      Buffer.from('FAIL ER10\r\nFE80:0000:0000:0000:C2F9:4500:4058:B5FB\r\n'),
      Buffer.from([0x00, 0xff, 0x13, 0x0d, 0x0a]),
      Buffer.from('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400601421A3 1 000E 10810001\r\nFAIL\r\n'),
    ]);
    const lines = new SkFramer().push(input);
    assert.deepEqual(lines[0], { type: 'fail', code: '10' });
    assert.deepEqual(lines[1], { type: 'text', text: 'FE80:0000:0000:0000:C2F9:4500:4058:B5FB' });
    assert.equal(lines[2]?.type, 'text');
    assert.ok(lines[3]?.type === 'text');
    assert.equal(lines[3].fault, 'ERXUDP data is 8 hex characters, DATALEN 000E says 28');
    assert.ok(lines[4]?.type === 'text' && lines[4].fault !== undefined);
  });

  it('reads the EVENT forms of both dialects (capture momonga-bp35c2-event-forms)', () => {
    const lines = new SkFramer().push(crlf(captureLines('momonga-bp35c2-event-forms')));
    assert.deepEqual(lines.slice(0, 4), [
      { type: 'event', num: 0x21, sender: 'FE80::1', side: 0, param: 1 },
      { type: 'event', num: 0x29, sender: 'FE80::1', side: 0 },
      { type: 'event', num: 0x21, sender: 'FE80::1', param: 1 },
      { type: 'event', num: 0x29, sender: 'FE80::1' },
    ]);
    assert.ok(lines[4]?.type === 'erxudp');
    assert.equal(lines[4].rssi, 0x50);
  });

  it('reads EINFO of both dialects', () => {
    const lines = new SkFramer().push(
      crlf([
        'EINFO FE80:0000:0000:0000:021D:1290:1234:5678 001D129012345678 21 8888 FFFE',
        'EINFO FE80:0000:0000:0000:021D:1291:0004:FFFF 001D12910004FFFF 39 9E08 0',
      ]),
    );
    assert.deepEqual(lines, [
      {
        type: 'einfo',
        ipv6: 'FE80:0000:0000:0000:021D:1290:1234:5678',
        mac: '001D129012345678',
        channel: 0x21,
        panId: '8888',
        field5: 'FFFE',
      },
      {
        type: 'einfo',
        ipv6: 'FE80:0000:0000:0000:021D:1291:0004:FFFF',
        mac: '001D12910004FFFF',
        channel: 0x39,
        panId: '9E08',
        field5: '0',
      },
    ]);
  });

  it('emits an overlong unterminated line as text instead of growing without bound', () => {
    const lines = new SkFramer().push(Buffer.alloc(9000, 0x41));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.type, 'text');
  });
});

describe('SkFramer with a corrupted binary ERXUDP header', () => {
  for (const format of [undefined, 'binary'] as const) {
    it(`reads DATALEN FFFF (above the 1232 bytes SKSTACK carries) as a faulty line and the next lines normally (hint ${format ?? 'none'})`, () => {
      const input = Buffer.concat([
        Buffer.from('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400030C12A4 1 FFFF '),
        Buffer.from([0x10, 0x81, 0x00, 0x01]),
        Buffer.from('\r\nOK\r\nEVENT 21 FE80:0000:0000:0000:021C:6400:030C:12A4 00\r\n'),
      ]);
      const lines = byteByByte(input, new SkFramer(format === undefined ? {} : { erxudpFormat: format }));
      assert.equal(lines.length, 3);
      assert.ok(lines[0]?.type === 'text' && lines[0].fault !== undefined, JSON.stringify(lines[0]));
      assert.deepEqual(lines[1], { type: 'ok' });
      assert.equal(lines[2]?.type, 'event');
    });
  }

  it('still reads a binary datagram of exactly 1232 bytes', () => {
    const data = Buffer.alloc(0x04d0, 0x10);
    const input = Buffer.concat([
      Buffer.from('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400030C12A4 1 04D0 '),
      data,
      Buffer.from('\r\n'),
    ]);
    const lines = new SkFramer({ erxudpFormat: 'binary' }).push(input);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.type === 'erxudp' && lines[0].data.length, 1232);
  });
});

describe('SkFramer with a wrong format hint', () => {
  it('still reads a hex ERXUDP line when ROPT said binary (capture cracker-d3)', () => {
    const lines = new SkFramer({ erxudpFormat: 'binary' }).push(crlf(captureLines('cracker-d3')));
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.type === 'erxudp');
    assert.equal(lines[0].data.toString('hex').toUpperCase(), '1081000102880105FF017201D30400000001');
  });

  it('reports a binary ERXUDP whose data is not followed by CRLF as a faulty text line', () => {
    const bad = Buffer.concat([
      Buffer.from('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400030C12A4 1 0002 '),
      Buffer.from([0x10, 0x81, 0x99]),
      Buffer.from('\r\nOK\r\n'),
    ]);
    const lines = new SkFramer().push(bad);
    assert.ok(lines[0]?.type === 'text' && lines[0].fault !== undefined);
    assert.deepEqual(lines.at(-1), { type: 'ok' });
  });
});
