import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDatagram, infcResponse, type Datagram } from '../../src/echonet/exchange/match.js';

const METER = 'FE80:0000:0000:0000:021C:6400:03DE:5A1B';
const OWN = 'FE80:0000:0000:0000:021D:1290:1234:5678';
const ALL_NODES = 'FF02:0000:0000:0000:0000:0000:0000:0001';

function dgram(hex: string, over: Partial<Datagram> = {}): Datagram {
  return { sender: METER, dest: OWN, rport: 0x0e1a, lport: 0x0e1a, data: Buffer.from(hex, 'hex'), ...over };
}

// Golden frames written from docs/protocol.md §7 and real-captures.jsonl (not produced by our encoder).
const GET_RES_TID_0001 = '1081000102880105FF017201E704000004A8'; // ak1211-bp35a1-e7-1192w
const GET_RES_TID_0002 = '1081000202880105FF017201E704000004A8';
const GET_SNA_TID_0001 = '1081000102880105FF015201D300'; // ak1211-bp35a1-d3-get-sna
const INF_EA_TID_2EDB = '10812EDB02880105FF017301EA0B07E7030D001E000007A3F8'; // ak1211app-ea-inf
const INF_EA_TID_0001 = '1081000102880105FF017301EA0B07E7030D001E000007A3F8';
const INFC_EA_TID_0005 = '1081000502880105FF017401EA0B07E7030D001E000007A3F8';
const INF_D5_MULTICAST = '108103610EF0010EF0017301D50401028801'; // ak1211-bp35a1-d5-instance-list-inf
const PANA = '00000058A0000002AB0FB498736E78FC0007000000040000';

describe('response matching', () => {
  it('takes a Get_Res with the pending TID from the meter as the answer', () => {
    const r = classifyDatagram(dgram(GET_RES_TID_0001), { tids: new Set([1]) });
    assert.equal(r.kind, 'response');
    assert.equal(r.kind === 'response' && r.frame.tid, 1);
  });

  it('takes a Get_SNA with the pending TID as the answer too', () => {
    const r = classifyDatagram(dgram(GET_SNA_TID_0001), { tids: new Set([1]) });
    assert.equal(r.kind, 'response');
    assert.equal(r.kind === 'response' && r.frame.esv, 0x52);
  });

  it('ignores an answer with another TID', () => {
    const r = classifyDatagram(dgram(GET_RES_TID_0002), { tids: new Set([1]) });
    assert.equal(r.kind, 'ignore');
    assert.match(r.kind === 'ignore' ? r.reason : '', /expected TID 0001/);
  });

  it('ignores an answer when nothing is pending', () => {
    assert.equal(classifyDatagram(dgram(GET_RES_TID_0001), undefined).kind, 'ignore');
  });

  it('never takes an INF for the answer, even when its TID equals the pending one', () => {
    for (const hex of [INF_EA_TID_2EDB, INF_EA_TID_0001]) {
      const r = classifyDatagram(dgram(hex), { tids: new Set([1]) });
      assert.equal(r.kind, 'notification');
      assert.equal(r.kind === 'notification' && r.needsReply, false);
    }
  });

  it('marks an INFC as a notification that needs an INFC_Res', () => {
    const r = classifyDatagram(dgram(INFC_EA_TID_0005), { tids: new Set([5]) });
    assert.equal(r.kind, 'notification');
    assert.equal(r.kind === 'notification' && r.needsReply, true);
  });

  it('ignores PANA traffic on UDP 716 (0x02CC)', () => {
    const r = classifyDatagram(dgram(PANA, { rport: 0x02cc, lport: 0x02cc }), { tids: new Set([1]) });
    assert.equal(r.kind, 'ignore');
    assert.match(r.kind === 'ignore' ? r.reason : '', /02CC/);
  });

  it('ignores the node-profile INF D5 multicast after a join', () => {
    const r = classifyDatagram(dgram(INF_D5_MULTICAST, { dest: ALL_NODES }), { tids: new Set([0x0361]) });
    assert.equal(r.kind, 'ignore');
  });

  it('ignores a Get_Res sent to a multicast address', () => {
    const r = classifyDatagram(dgram(GET_RES_TID_0001, { dest: ALL_NODES }), { tids: new Set([1]) });
    assert.equal(r.kind, 'ignore');
    assert.match(r.kind === 'ignore' ? r.reason : '', /multicast/);
  });

  it('ignores bytes that are not an ECHONET Lite frame', () => {
    assert.equal(classifyDatagram(dgram('DEADBEEF'), { tids: new Set([1]) }).kind, 'ignore');
  });
});

describe('INFC_Res', () => {
  it('echoes the TID and EPCs with PDC 0 and swaps the EOJs', () => {
    const r = classifyDatagram(dgram(INFC_EA_TID_0005), undefined);
    assert.ok(r.kind === 'notification');
    const res = infcResponse(r.frame);
    assert.deepEqual(res, {
      tid: 5,
      seoj: '05FF01',
      deoj: '028801',
      esv: 0x7a,
      properties: [{ epc: 0xea, edt: Buffer.alloc(0) }],
    });
  });
});
