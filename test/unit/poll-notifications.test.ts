import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, type EchonetFrame } from '../../src/echonet/frame.js';
import { silentLogger } from '../../src/log/logger.js';
import type { EnergyContext } from '../../src/meter/units.js';
import type { Reading } from '../../src/meter/reading.js';
import { NotificationCapture } from '../../src/poll/notifications.js';

// capture ak1211app-ea-inf: INF EA 2023-03-13 00:30, raw 500728 (golden bytes)
const INF_EA = '10812EDB02880105FF017301EA0B07E7030D001E000007A3F8';
// the same notification sent as INFC (0x74)
const INFC_EA = '10812EDB02880105FF017401EA0B07E7030D001E000007A3F8';

function rig(ctx: EnergyContext | undefined) {
  const sent: EchonetFrame[] = [];
  const records: Reading[] = [];
  let context = ctx;
  const capture = new NotificationCapture({
    send: async (f) => void sent.push(f),
    context: () => context,
    emit: (r) => records.push(r),
    logger: silentLogger(),
    now: () => new Date('2023-03-13T00:31:00+09:00'),
  });
  return { capture, sent, records, setContext: (c: EnergyContext) => (context = c) };
}

const frame = (hex: string) => decodeFrame(Buffer.from(hex, 'hex'));

describe('meter notifications', () => {
  it('turns an INF of EA into a notification record', () => {
    const r = rig({ unitCode: 0x02, coefficient: 1 });
    r.capture.handle(frame(INF_EA), false);
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0]?.source, 'notification');
    assert.equal(r.records[0]?.fixed_normal_at, '2023-03-13T00:30:00+09:00');
    assert.equal(r.records[0]?.fixed_normal_kwh, 5007.28);
    assert.equal(r.sent.length, 0, 'an INF needs no answer');
  });

  it('answers an INFC with INFC_Res carrying the same EPCs with PDC 0 and the same TID', () => {
    const r = rig({ unitCode: 0x02 });
    r.capture.handle(frame(INFC_EA), true);
    assert.equal(r.sent.length, 1);
    // 10 81 2EDB 05FF01 028801 7A 01 EA 00
    assert.equal(
      encodeFrame(r.sent[0] as EchonetFrame)
        .toString('hex')
        .toUpperCase(),
      '10812EDB05FF010288017A01EA00',
    );
    assert.equal(r.records.length, 1, 'and records its values');
  });

  it('keeps a notification that came before the unit (E1) was known until it is', () => {
    const r = rig(undefined);
    r.capture.handle(frame(INF_EA), false);
    assert.equal(r.records.length, 0);
    r.setContext({ unitCode: 0x02, coefficient: 1 });
    r.capture.flush();
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0]?.fixed_normal_kwh, 5007.28);
  });

  it('records notifications of a meter that answered the context without E1, with null kWh, instead of holding them for good', () => {
    const r = rig(undefined);
    r.capture.handle(frame(INF_EA), false);
    assert.equal(r.records.length, 0, 'waits for the first answer');
    r.setContext({ coefficient: 1 }); // D3/D7/E1 answered, E1 with PDC 0
    r.capture.flush();
    r.capture.handle(frame(INF_EA), false);
    assert.equal(r.records.length, 2);
    assert.equal(r.records[0]?.fixed_normal_at, '2023-03-13T00:30:00+09:00');
    assert.equal(r.records[0]?.fixed_normal_kwh, null);
  });
});
