import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ECHONET_UDP_PORT, EOJ, ESV, esvName } from '../../src/echonet/constants.js';
import {
  decodeFrame,
  encodeFrame,
  FrameError,
  getRequest,
  nextTid,
  type EchonetFrame,
} from '../../src/echonet/frame.js';
import { BmeterError } from '../../src/errors.js';
import { captureFrame, loadCaptures } from '../fixtures/captures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function expectFrameError(bytes: Uint8Array, message: RegExp, offset: number): void {
  assert.throws(
    () => decodeFrame(bytes),
    (err: unknown) => {
      assert.ok(err instanceof FrameError, `expected FrameError, got ${String(err)}`);
      assert.ok(err instanceof BmeterError);
      assert.equal(err.code, 'DECODE');
      assert.match(err.message, message);
      assert.equal(err.offset, offset);
      return true;
    },
  );
}

describe('ECHONET Lite constants', () => {
  it('names every ESV of docs/protocol.md §7 with its code', () => {
    const table: [number, string][] = [
      [0x60, 'SetI'],
      [0x61, 'SetC'],
      [0x62, 'Get'],
      [0x63, 'INF_REQ'],
      [0x6e, 'SetGet'],
      [0x71, 'Set_Res'],
      [0x72, 'Get_Res'],
      [0x73, 'INF'],
      [0x74, 'INFC'],
      [0x7a, 'INFC_Res'],
      [0x7e, 'SetGet_Res'],
      [0x50, 'SetI_SNA'],
      [0x51, 'SetC_SNA'],
      [0x52, 'Get_SNA'],
      [0x53, 'INF_SNA'],
      [0x5e, 'SetGet_SNA'],
    ];
    for (const [code, name] of table) {
      assert.equal(esvName(code), name);
      assert.equal(ESV[name as keyof typeof ESV], code);
    }
    assert.equal(Object.keys(ESV).length, table.length);
  });

  it('names an ESV outside the table as unknown with its hex code', () => {
    assert.equal(esvName(0x99), 'unknown(0x99)');
  });

  it('uses the B-route EOJs and UDP port 3610', () => {
    assert.deepEqual({ ...EOJ }, { controller: '05FF01', meter: '028801', nodeProfile: '0EF001' });
    assert.equal(ECHONET_UDP_PORT, 3610);
  });
});

describe('decodeFrame on real captures', () => {
  it('decodes a Get_Res E7 of 1192 W field by field (capture ak1211-bp35a1-e7-1192w)', () => {
    const f = decodeFrame(captureFrame('ak1211-bp35a1-e7-1192w'));
    assert.equal(f.tid, 0x0001);
    assert.equal(f.seoj, '028801');
    assert.equal(f.deoj, '05FF01');
    assert.equal(f.esv, 0x72);
    assert.equal(f.properties.length, 1);
    assert.equal(f.properties[0]?.epc, 0xe7);
    assert.deepEqual(f.properties[0]?.edt, hex('000004A8'));
  });

  it('decodes a Get_SNA whose unsupported property has PDC 0 (capture ak1211-bp35a1-d3-get-sna)', () => {
    const f = decodeFrame(captureFrame('ak1211-bp35a1-d3-get-sna'));
    assert.equal(f.esv, ESV.Get_SNA);
    assert.deepEqual(f.properties, [{ epc: 0xd3, edt: Buffer.alloc(0) }]);
  });

  it('decodes two properties in one frame (capture yakumo-bp35a1-e7-e8-opc2, TID 1002)', () => {
    const f = decodeFrame(captureFrame('yakumo-bp35a1-e7-e8-opc2'));
    assert.equal(f.tid, 0x1002);
    assert.deepEqual(
      f.properties.map((p) => [p.epc, p.edt.toString('hex')]),
      [
        [0xe7, '0000029c'],
        [0xe8, '00280028'],
      ],
    );
  });

  it('decodes the node-profile INF multicast after join (capture rswsuha-skjoin-pana-sequence)', () => {
    const f = decodeFrame(captureFrame('rswsuha-skjoin-pana-sequence'));
    assert.equal(f.tid, 0);
    assert.equal(f.seoj, '0EF001');
    assert.equal(f.deoj, '0EF001');
    assert.equal(f.esv, ESV.INF);
    assert.deepEqual(f.properties, [{ epc: 0xd5, edt: hex('01028801') }]);
  });

  it('agrees with the parsed `ecl` of every capture that has a frame', () => {
    let checked = 0;
    for (const c of loadCaptures()) {
      if (typeof c.frame_hex !== 'string') continue;
      const ecl = c.ecl as {
        tid: string;
        seoj: string;
        deoj: string;
        esv: string;
        opc: number;
        props: { epc: string; pdc: number; edt: string }[];
      };
      const f = decodeFrame(Buffer.from(c.frame_hex, 'hex'));
      assert.equal(f.tid, parseInt(ecl.tid, 16), c.id);
      assert.equal(f.seoj, ecl.seoj, c.id);
      assert.equal(f.deoj, ecl.deoj, c.id);
      assert.equal(f.esv, parseInt(ecl.esv, 16), c.id);
      assert.equal(f.properties.length, ecl.opc, c.id);
      ecl.props.forEach((p, i) => {
        assert.equal(f.properties[i]?.epc, parseInt(p.epc, 16), c.id);
        assert.equal(f.properties[i]?.edt.length, p.pdc, c.id);
        assert.equal(f.properties[i]?.edt.toString('hex').toUpperCase(), p.edt, c.id);
      });
      checked++;
    }
    assert.ok(checked >= 35, `only ${checked} captures with frames`);
  });
});

describe('decodeFrame on bad input', () => {
  it('names the property, its PDC, the bytes left and the offset when an EDT is cut short', () => {
    // header (12) + E7 04 000004A8 (6) + E8 04 0062 (only 2 of 4 EDT bytes): EDT starts at 20
    const bytes = hex('1081 0001 028801 05FF01 72 02  E7 04 000004A8  E8 04 0062');
    expectFrameError(
      bytes,
      /^frame truncated: property 2 \(EPC E8\) declares PDC 4 but only 2 bytes remain at offset 20$/,
      20,
    );
  });

  it('reports a header shorter than 12 bytes', () => {
    expectFrameError(hex('1081 0001 028801'), /frame truncated: the header needs 12 bytes but only 7 are present/, 7);
  });

  it('reports an empty input', () => {
    expectFrameError(new Uint8Array(0), /frame truncated: empty frame/, 0);
  });

  it('reports a property missing when OPC promises more', () => {
    expectFrameError(
      hex('1081 0001 028801 05FF01 72 02  E7 04 000004A8'),
      /OPC is 2 but property 2 is missing at offset 18/,
      18,
    );
  });

  it('reports a property that ends after its EPC, without a PDC', () => {
    expectFrameError(hex('1081 0001 028801 05FF01 72 01 E7'), /property 1 \(EPC E7\) has no PDC at offset 13/, 13);
  });

  it('refuses a frame that is not ECHONET Lite (EHD1 not 0x10)', () => {
    expectFrameError(hex('0000 0028 C000'), /not an ECHONET Lite frame: EHD1 is 0x00 at offset 0/, 0);
  });

  it('refuses the arbitrary message format EHD2 0x82 as unsupported', () => {
    expectFrameError(hex('1082 0001 0102030405'), /unsupported.*EHD2 0x82/, 1);
  });

  it('refuses an unknown EHD2', () => {
    expectFrameError(hex('1083 0001 028801 05FF01 72 00'), /unknown EHD2 0x83 at offset 1/, 1);
  });

  it('refuses bytes left over after the last property', () => {
    expectFrameError(
      hex('1081 0001 028801 05FF01 72 01 E7 00 FF FF'),
      /2 unexpected byte\(s\) after the last of 1 properties at offset 14/,
      14,
    );
  });
});

describe('encodeFrame', () => {
  it('writes the Get E7 request byte for byte as captured from a real session (capture rswsuha-sksendto-echo-e7-228w, S14: 1081525305FF010288016201E700)', () => {
    const frame: EchonetFrame = {
      tid: 0x5253,
      seoj: '05FF01',
      deoj: '028801',
      esv: ESV.Get,
      properties: [{ epc: 0xe7, edt: Buffer.alloc(0) }],
    };
    assert.deepEqual(encodeFrame(frame), hex('1081525305FF010288016201E700'));
  });

  it('builds a multi-EPC Get request from the controller to the meter with getRequest', () => {
    assert.deepEqual(getRequest(0x0102, [0xe7, 0xe8, 0xe0]), hex('1081 0102 05FF01 028801 62 03 E700 E800 E000'));
  });

  it('addresses getRequest to another object when asked', () => {
    assert.deepEqual(getRequest(7, [0xd6], '0EF001'), hex('1081 0007 05FF01 0EF001 62 01 D600'));
  });

  it('writes a SetC E5 with its one-byte EDT (docs/protocol.md §7 example)', () => {
    const frame: EchonetFrame = {
      tid: 1,
      seoj: '05ff01',
      deoj: '028801',
      esv: ESV.SetC,
      properties: [{ epc: 0xe5, edt: Buffer.from([0x01]) }],
    };
    assert.deepEqual(encodeFrame(frame), hex('1081 0001 05FF01 028801 61 01 E5 01 01'));
  });

  it('round-trips a multi-property frame through decodeFrame', () => {
    const frame: EchonetFrame = {
      tid: 0xffff,
      seoj: '028801',
      deoj: '05FF01',
      esv: ESV.Get_Res,
      properties: [
        { epc: 0x80, edt: hex('30') },
        { epc: 0xe7, edt: hex('FFFFFDF4') },
        { epc: 0xd3, edt: Buffer.alloc(0) },
      ],
    };
    assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
  });

  it('refuses to encode a TID, EOJ, ESV or EDT that does not fit, with a FrameError', () => {
    const ok: EchonetFrame = { tid: 1, seoj: '05FF01', deoj: '028801', esv: 0x62, properties: [] };
    assert.throws(
      () => encodeFrame({ ...ok, tid: 0x10000 }),
      (err: unknown) =>
        err instanceof FrameError && err.message === 'cannot encode frame: TID 65536 is not a 16-bit integer',
    );
    assert.throws(() => encodeFrame({ ...ok, seoj: '05FF' }), /SEOJ "05FF" is not 6 hex digits/);
    assert.throws(
      () => encodeFrame({ ...ok, esv: 300 }),
      (err: unknown) => err instanceof FrameError && err.message === 'cannot encode frame: ESV 300 is not a byte',
    );
    assert.throws(() => encodeFrame({ ...ok, properties: [{ epc: 0xe2, edt: Buffer.alloc(256) }] }), /PDC max is 255/);
  });
});

describe('nextTid', () => {
  it('counts up by one', () => {
    assert.equal(nextTid(0x0001), 0x0002);
    assert.equal(nextTid(0x12ff), 0x1300);
  });

  it('wraps 0xFFFF to 0x0000 (16-bit TID)', () => {
    assert.equal(nextTid(0xffff), 0);
  });
});
