import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseErxudpText } from '../../src/skstack/erxudp.js';
import { BmeterError } from '../../src/errors.js';

describe('parseErxudpText', () => {
  it('parses a single-stack layout A line (capture cracker-d3)', () => {
    const line = parseErxudpText(
      'ERXUDP FE80:0000:0000:0000:021C:6400:6014:21A3 FE80:0000:0000:0000:021D:1290:0005:747B 0E1A 0E1A 001C6400601421A3 1 0012 1081000102880105FF017201D30400000001',
    );
    assert.equal(line.sender, 'FE80:0000:0000:0000:021C:6400:6014:21A3');
    assert.equal(line.dest, 'FE80:0000:0000:0000:021D:1290:0005:747B');
    assert.equal(line.rport, 3610);
    assert.equal(line.lport, 3610);
    assert.equal(line.senderMac, '001C6400601421A3');
    assert.equal(line.secured, true);
    assert.equal(line.side, undefined);
    assert.equal(line.rssi, undefined);
    assert.equal(line.data.toString('hex').toUpperCase(), '1081000102880105FF017201D30400000001');
  });

  it('parses a dual-stack layout B line with the side token (capture rswsuha-skjoin-pana-sequence, INF D5)', () => {
    const line = parseErxudpText(
      'ERXUDP FE80:0000:0000:0000:C2F9:4500:4058:B5FB FF02:0000:0000:0000:0000:0000:0000:0001 0E1A 0E1A 0011223344556677 1 0 0012 108100000EF0010EF0017301D50401028801',
    );
    assert.equal(line.dest, 'FF02:0000:0000:0000:0000:0000:0000:0001');
    assert.equal(line.secured, true);
    assert.equal(line.side, 0);
    assert.equal(line.rssi, undefined);
    assert.equal(line.data.length, 0x12);
    assert.deepEqual([...line.data.subarray(0, 2)], [0x10, 0x81]);
  });

  it('parses an unsecured PANA line on port 02CC as secured=false', () => {
    const line = parseErxudpText(
      'ERXUDP FE80:0000:0000:0000:021C:6400:03DD:6393 FE80:0000:0000:0000:1207:23FF:FEA0:77E3 02CC 02CC 001C640003DD6393 0 0004 00000058',
    );
    assert.equal(line.rport, 716);
    assert.equal(line.secured, false);
    assert.deepEqual([...line.data], [0, 0, 0, 0x58]);
  });

  it('parses layout C with the RSSI token before SECURED and SIDE (capture momonga-bp35c2-event-forms)', () => {
    const line = parseErxudpText('ERXUDP FE80::1 FE80::2 0E1A 0E1A AABBCCDDEEFF 50 00 00 0002 1081');
    assert.equal(line.rssi, 0x50);
    assert.equal(line.secured, false);
    assert.equal(line.side, 0);
    assert.deepEqual([...line.data], [0x10, 0x81]);
  });

  it('accepts a trailing CRLF and lower-case hex', () => {
    const line = parseErxudpText('ERXUDP fe80::1 fe80::2 0e1a 0e1a aabbccddeeff0011 1 0002 10ff\r\n');
    assert.equal(line.sender, 'FE80::1');
    assert.deepEqual([...line.data], [0x10, 0xff]);
  });

  it('names both lengths when the data is shorter than DATALEN', () => {
    assert.throws(
      () =>
        parseErxudpText(
          'ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400601421A3 1 000E 1081000102880105FF0152010000'.slice(0, -2),
        ),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'PROTOCOL' &&
        err.message === 'ERXUDP data is 26 hex characters, DATALEN 000E says 28',
    );
  });

  it('rejects a line without DATALEN with a PROTOCOL error', () => {
    assert.throws(
      () => parseErxudpText('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400601421A3 1 0'),
      (err: unknown) => err instanceof BmeterError && err.code === 'PROTOCOL' && /DATALEN/.test(err.message),
    );
  });

  it('rejects non-hex data with a PROTOCOL error instead of decoding garbage', () => {
    assert.throws(
      () => parseErxudpText('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400601421A3 1 0002 10ZZ'),
      (err: unknown) => err instanceof BmeterError && err.code === 'PROTOCOL' && /not hex/.test(err.message),
    );
  });

  it('rejects a bad port field and a line that is not ERXUDP', () => {
    assert.throws(() => parseErxudpText('ERXUDP FE80::1 FE80::2 E1A 0E1A 001C6400601421A3 1 0001 10'), /remote port/);
    assert.throws(() => parseErxudpText('EVENT 21 FE80::1 00'), /not an ERXUDP line/);
    assert.throws(
      () => parseErxudpText(''),
      (err: unknown) => err instanceof BmeterError && err.code === 'PROTOCOL',
    );
  });

  it('rejects more than three flag fields', () => {
    assert.throws(
      () => parseErxudpText('ERXUDP FE80::1 FE80::2 0E1A 0E1A 001C6400601421A3 1 1 1 1 0001 10'),
      /more than 3 flag/,
    );
  });
});
