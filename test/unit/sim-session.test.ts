import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StickHarness, joined } from './sim-harness.js';
import { parseFaults } from '../../src/sim/faults.js';

const OWN = 'FE80:0000:0000:0000:021D:1290:1234:5678';
const OWN_DUAL = 'FE80:0000:0000:0000:021D:1291:0004:E578';
const METER = 'FE80:0000:0000:0000:021C:6400:03DE:5A1B';
const METER_MAC = '001C640003DE5A1B';
/** Get D3, E1, D7 (TID 0001), written by hand from docs/protocol.md §7. */
const GET_D3_E1_D7 = Buffer.from('1081000105FF0102880162 03 D300 E100 D700'.replace(/ /g, ''), 'hex');

function sendto(data: Buffer, side = ''): Buffer {
  const len = data.length.toString(16).toUpperCase().padStart(4, '0');
  return Buffer.concat([Buffer.from(`SKSENDTO 1 ${METER} 0E1A 1 ${side}${len} `, 'latin1'), data]);
}

test('a dual-stack join prints the PANA sequence of the RS-WSUHA-P capture (rswsuha-skjoin-pana-sequence), EVENT 25 and the INF D5', async () => {
  const h = new StickHarness({ dialect: 'dual' });
  h.send(
    `SKSREG SFE 0\r\nSKSETPWD C ${h.stick.options.password}\r\nSKSETRBID ${h.stick.options.routeBId}\r\nSKSREG S2 3B\r\nSKSREG S3 5A1B\r\n`,
  );
  await h.until('OK\r\nOK\r\nOK\r\nOK\r\nOK\r\n');
  h.send(`SKJOIN ${METER}\r\n`);
  const lines = (await h.until('D50401028801\r\n')).split('\r\n').slice(0, -1);
  const rx = (len: string) => new RegExp(`^ERXUDP ${METER} ${OWN_DUAL} 02CC 02CC ${METER_MAC} 0 0 ${len} [0-9A-F]+$`);
  const expected = [
    /^OK$/,
    new RegExp(`^EVENT 21 ${METER} 0 02$`),
    new RegExp(`^EVENT 02 ${METER} 0$`),
    rx('0028'),
    new RegExp(`^EVENT 21 ${METER} 0 00$`),
    rx('0068'),
    /^EVENT 21 .* 0 00$/,
    rx('0054'),
    /^EVENT 21 .* 0 00$/,
    rx('0058'),
    /^EVENT 21 .* 0 00$/,
    new RegExp(`^EVENT 25 ${METER} 0$`),
    new RegExp(
      `^ERXUDP ${METER} FF02:0000:0000:0000:0000:0000:0000:0001 0E1A 0E1A ${METER_MAC} 1 0 0012 108100000EF0010EF0017301D50401028801$`,
    ),
  ];
  assert.equal(lines.length, expected.length, lines.join('\n'));
  lines.forEach((line, i) => assert.match(line, expected[i] as RegExp));
  // The last PANA message carries Session-Lifetime (AVP 8) = 86400 s, as in the capture.
  assert.match(lines[9] ?? '', /000800000004000000015180/);
  assert.equal(h.stick.session.state, 'up');
  h.dispose();
});

test('a join with the wrong password ends with EVENT 24 after the PANA exchange', async () => {
  const h = new StickHarness();
  const o = h.stick.options;
  // The join commands of joined() with a wrong 12-character (C) password, without waiting for the
  // INF D5 that never comes (joined() would time out after 3 s).
  h.send(
    `SKSREG SFE 0\r\nSKSETPWD C WRONGPASSWOR\r\nSKSETRBID ${o.routeBId}\r\nSKSREG S2 3B\r\nSKSREG S3 5A1B\r\nSKJOIN ${METER}\r\n`,
  );
  const out = await h.until(`EVENT 24 ${METER}\r\n`);
  assert.match(out, /02CC 02CC/);
  assert.doesNotMatch(out, /EVENT 25/);
  assert.equal(h.stick.session.state, 'none');
  h.dispose();
});

test('a join on the wrong channel gets no answer and gives up with EVENT 24', async () => {
  const h = new StickHarness();
  const o = h.stick.options;
  h.send(
    `SKSREG SFE 0\r\nSKSETPWD C ${o.password}\r\nSKSETRBID ${o.routeBId}\r\nSKSREG S2 21\r\nSKSREG S3 5A1B\r\nSKJOIN ${METER}\r\n`,
  );
  const out = await h.until(`EVENT 24 ${METER}\r\n`);
  assert.equal(
    out,
    `SKSREG SFE 0\r\nOK\r\nOK\r\nOK\r\nOK\r\nOK\r\nOK\r\nEVENT 21 ${METER} 02\r\nEVENT 24 ${METER}\r\n`,
  );
  h.dispose();
});

test('SKSENDTO with a hand-written Get gives EVENT 21 before OK, then the Get_Res as hex ERXUDP', async () => {
  const h = new StickHarness();
  await joined(h);
  h.send(sendto(GET_D3_E1_D7));
  assert.equal(
    await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n')),
    `EVENT 21 ${METER} 00\r\nOK\r\n` +
      `ERXUDP ${METER} ${OWN} 0E1A 0E1A ${METER_MAC} 1 0018 1081000102880105FF017203D30400000001E10101D70106\r\n`,
  );
  h.dispose();
});

test('with echo on, the SKSENDTO echo is the header line only', async () => {
  const h = new StickHarness({ dialect: 'dual' });
  await joined(h);
  await h.exchange('SKSREG SFE 1\r\n');
  h.send(sendto(GET_D3_E1_D7, '0 '));
  const out = await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n'));
  assert.ok(out.startsWith(`SKSENDTO 1 ${METER} 0E1A 1 0 0012 \r\nEVENT 21 ${METER} 0 00\r\nOK\r\nERXUDP `), out);
  h.dispose();
});

test('binary ERXUDP data is raw bytes even when they contain CR LF, and SKSENDTO data may contain CR LF', async () => {
  const h = new StickHarness({ erxudp: 'binary' });
  await joined(h);
  // TID 0x0D0A puts CR LF into both the request and the answer; Get E1.
  h.send(sendto(Buffer.from('10810D0A05FF010288016201E100', 'hex')));
  const out = await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n'));
  const expected = Buffer.concat([
    Buffer.from(`EVENT 21 ${METER} 00\r\nOK\r\nERXUDP ${METER} ${OWN} 0E1A 0E1A ${METER_MAC} 1 000F `, 'latin1'),
    Buffer.from('10810D0A02880105FF017201E10101', 'hex'),
    Buffer.from('\r\n', 'latin1'),
  ]);
  assert.deepEqual(Buffer.from(out, 'latin1'), expected);
  h.dispose();
});

test('dual-stack ERXUDP carries an RSSI token when SA2 = 1', async () => {
  const h = new StickHarness({ dialect: 'dual' });
  await joined(h);
  await h.exchange('SKSREG SA2 1\r\n');
  h.send(sendto(Buffer.from('1081000205FF010288016201E100', 'hex'), '0 '));
  const out = await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n'));
  assert.match(
    out,
    new RegExp(`ERXUDP ${METER} ${OWN_DUAL} 0E1A 0E1A ${METER_MAC} B2 1 0 000F 1081000202880105FF017201E10101\r\n$`),
  );
  h.dispose();
});

test('an unsupported EPC comes back in a Get_SNA with PDC 0 while the others carry data', async () => {
  const h = new StickHarness({ coefficient: null });
  await joined(h);
  h.send(sendto(GET_D3_E1_D7));
  const out = await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n'));
  assert.match(out, / 1 0014 1081000102880105FF015203D300E10101D70106\r\n$/);
  h.dispose();
});

test('data sent as hex text is taken raw: the meter ignores it and the rest reads as a bad command', async () => {
  const h = new StickHarness();
  await joined(h);
  const out = await h.exchange(`SKSENDTO 1 ${METER} 0E1A 1 000E 1081000105FF010288016201E700\r\n`);
  assert.equal(out, `EVENT 21 ${METER} 00\r\nOK\r\nFAIL ER04\r\n`);
  h.dispose();
});

test('fault event29 gives EVENT 29, refuses sends until re-authentication, then EVENT 25', async () => {
  const h = new StickHarness({ timeScale: 0.05, faults: parseFaults('event29@2') });
  await joined(h);
  h.send(sendto(GET_D3_E1_D7));
  assert.match(await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n')), /7203D3/);
  h.send(sendto(GET_D3_E1_D7));
  assert.equal(await h.until('EVENT 29'), `EVENT 21 ${METER} 00\r\nOK\r\nEVENT 29 ${METER}\r\n`);
  h.send(sendto(GET_D3_E1_D7));
  const between = await h.until(`EVENT 25 ${METER}\r\n`);
  assert.ok(between.startsWith(`EVENT 21 ${METER} 01\r\nOK\r\n`), between);
  assert.doesNotMatch(between, /0E1A 0E1A/, 'no ECHONET answer between EVENT 29 and EVENT 25');
  h.send(sendto(GET_D3_E1_D7));
  assert.match(await h.until((o) => o.includes('0E1A 0E1A') && o.endsWith('\r\n')), /7203D3/);
  h.dispose();
});

test('the session lifetime expires into EVENT 29 and automatic re-authentication into EVENT 25', async () => {
  const h = new StickHarness({ timeScale: 0.02, sessionLifetimeS: 2 });
  await joined(h);
  const out = await h.until(`EVENT 25 ${METER}\r\n`);
  assert.match(out, new RegExp(`^EVENT 29 ${METER}\r\n`));
  h.dispose();
});

test('a session that expires while the meter is off the air ends in EVENT 24, and sends fail with ER10 afterwards', async () => {
  const h = new StickHarness({ timeScale: 0.002, sessionLifetimeS: 30 });
  await joined(h);
  h.stick.setMeterOnAir(false);
  const out = await h.until(`EVENT 24 ${METER}\r\n`);
  assert.equal(out, `EVENT 29 ${METER}\r\nEVENT 24 ${METER}\r\n`);
  assert.equal(await h.exchange(sendto(GET_D3_E1_D7)), 'FAIL ER10\r\n');
});

test('fault event26: the meter ends the session and later sends fail with ER10', async () => {
  const h = new StickHarness({ faults: parseFaults('event26@1') });
  await joined(h);
  h.send(sendto(GET_D3_E1_D7));
  assert.equal(await h.until('EVENT 26'), `EVENT 21 ${METER} 00\r\nOK\r\nEVENT 26 ${METER}\r\n`);
  assert.equal(await h.exchange(sendto(GET_D3_E1_D7)), 'FAIL ER10\r\n');
  h.dispose();
});

test('fault event32: EVENT 32, sends fail with EVENT 21 01 until EVENT 33', async () => {
  const h = new StickHarness({ timeScale: 0.05, aribHoldS: 2, faults: parseFaults('event32@1') });
  await joined(h);
  h.send(sendto(GET_D3_E1_D7));
  assert.equal(await h.until('OK\r\n'), `EVENT 32 ${OWN}\r\nEVENT 21 ${METER} 01\r\nOK\r\n`);
  assert.equal(await h.exchange(sendto(GET_D3_E1_D7)), `EVENT 21 ${METER} 01\r\nOK\r\n`);
  assert.equal(await h.until('EVENT 33'), `EVENT 33 ${OWN}\r\n`);
  h.send(sendto(GET_D3_E1_D7));
  assert.match(await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n')), /7203D3/);
  h.dispose();
});

test('faults drop, sna and garbage hit exactly the scheduled requests', async () => {
  const h = new StickHarness({ faults: parseFaults('drop@1,sna:E1@2,garbage@3') });
  await joined(h);
  assert.equal(await h.exchange(sendto(GET_D3_E1_D7)), `EVENT 21 ${METER} 00\r\nOK\r\n`, 'request 1 dropped');
  h.send(sendto(GET_D3_E1_D7));
  assert.match(await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n')), /5203D30400000001E100D70106\r\n$/);
  h.send(sendto(GET_D3_E1_D7));
  const out = await h.until((o) => o.includes('ERXUDP') && o.endsWith('\r\n'));
  const [garbage, next] = out.split('\r\n');
  assert.ok(garbage !== undefined && garbage.length >= 3 && !garbage.startsWith('EVENT'), JSON.stringify(garbage));
  assert.equal(next, `EVENT 21 ${METER} 00`);
  h.dispose();
});

test('SKTERM answers OK then EVENT 27, and the session is gone', async () => {
  const h = new StickHarness();
  await joined(h);
  h.send('SKTERM\r\n');
  assert.equal(await h.until('EVENT 27'), `OK\r\nEVENT 27 ${METER}\r\n`);
  assert.equal(await h.exchange(sendto(GET_D3_E1_D7)), 'FAIL ER10\r\n');
  h.dispose();
});

test('SKTERM to a meter that no longer answers ends with EVENT 28, and the session is gone', async () => {
  const h = new StickHarness({ timeScale: 0.002 });
  await joined(h);
  h.stick.setMeterOnAir(false);
  h.send('SKTERM\r\n');
  assert.equal(await h.until('EVENT 28'), `OK\r\nEVENT 28 ${METER}\r\n`);
  assert.equal(await h.exchange(sendto(GET_D3_E1_D7)), 'FAIL ER10\r\n');
});

test('the meter sends an INF with EA and EB when the sim clock crosses :00 or :30', async () => {
  let now = Date.parse('2026-05-20T14:29:50+09:00');
  const h = new StickHarness({ clock: () => new Date(now) });
  await joined(h);
  h.stick.tick();
  assert.equal(await h.exchange(''), '', 'nothing before 14:30');
  now = Date.parse('2026-05-20T14:30:05+09:00');
  h.stick.tick();
  const out = await h.until('\r\n');
  const m = new RegExp(
    `^ERXUDP ${METER} ${OWN} 0E1A 0E1A ${METER_MAC} 1 0026 (10810[0-9A-F]{3})02880105FF017302EA0B07EA05140E1E00([0-9A-F]{8})EB0B07EA05140E1E00([0-9A-F]{8})\r\n$`,
  ).exec(out);
  assert.ok(m, out);
  h.dispose();
});
