import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StickHarness } from './sim-harness.js';

const SINGLE_LLA = 'FE80:0000:0000:0000:021D:1290:1234:5678';
const DUAL_LLA = 'FE80:0000:0000:0000:021D:1291:0004:E578';

test('a single-stack stick answers SKVER with EVER 1.2.10 after echoing the command (echo on by default)', async () => {
  const h = new StickHarness();
  h.send('SKVER\r\n');
  assert.equal(await h.until('OK\r\n'), 'SKVER\r\nEVER 1.2.10\r\nOK\r\n');
  h.dispose();
});

test('a dual-stack stick answers SKVER with EVER 1.5.2 like the RS-WSUHA-P capture (rswsuha-skver)', async () => {
  const h = new StickHarness({ dialect: 'dual' });
  // capture rswsuha-skver: "SKVER\r\nEVER 1.5.2\r\nOK\r\n"
  assert.equal(await h.exchange('SKVER\r\n'), 'SKVER\r\nEVER 1.5.2\r\nOK\r\n');
  h.dispose();
});

test('SKSREG SFE 0 turns the echo off for the following commands', async () => {
  const h = new StickHarness();
  assert.equal(await h.exchange('SKSREG SFE 0\r\nSKVER\r\n'), 'SKSREG SFE 0\r\nOK\r\nEVER 1.2.10\r\nOK\r\n');
  h.dispose();
});

test('SKINFO prints FFFE as the 5th field on single-stack and 0 on dual-stack', async () => {
  const single = new StickHarness();
  assert.equal(
    await single.exchange('SKSREG SFE 0\r\nSKINFO\r\n'),
    `SKSREG SFE 0\r\nOK\r\nEINFO ${SINGLE_LLA} 001D129012345678 21 FFFF FFFE\r\nOK\r\n`,
  );
  const dual = new StickHarness({ dialect: 'dual' });
  assert.equal(
    await dual.exchange('SKSREG SFE 0\r\nSKINFO\r\n'),
    `SKSREG SFE 0\r\nOK\r\nEINFO ${DUAL_LLA} 001D12910004E578 21 FFFF 0\r\nOK\r\n`,
  );
  single.dispose();
  dual.dispose();
});

test('ROPT, WOPT, RUART and WUART answer with CR only while their echo ends with CRLF', async () => {
  const h = new StickHarness({ dialect: 'dual' });
  // capture rswsuha-ropt-ruart: "ROPT\r\nOK 01\r", "RUART\r\nOK 80\r"
  assert.equal(await h.exchange('ROPT\r'), 'ROPT\r\nOK 01\r');
  assert.equal(await h.exchange('RUART\r'), 'RUART\r\nOK 80\r');
  assert.equal(await h.exchange('WOPT 00\r'), 'WOPT 00\r\nOK\r');
  assert.equal(await h.exchange('ROPT\r'), 'ROPT\r\nOK 00\r');
  assert.equal(await h.exchange('WUART 00\r'), 'WUART 00\r\nOK\r');
  assert.equal(await h.exchange('WOPT 5\r'), 'WOPT 5\r\nFAIL ER06\r');
  h.dispose();
});

test('WOPT counts writes to the option flash', async () => {
  const h = new StickHarness({ erxudp: 'binary' });
  assert.equal(h.stick.flash.writes, 0);
  await h.exchange('ROPT\r');
  assert.equal(h.stick.flash.writes, 0, 'ROPT does not write');
  await h.exchange('WOPT 01\rWOPT 01\r');
  assert.equal(h.stick.flash.writes, 2);
  assert.equal(h.stick.flash.value, 1);
  h.dispose();
});

test('an RL7023 Stick-D/IPS answers ROPT and WOPT with FAIL ER04 (hex-only firmware)', async () => {
  const h = new StickHarness({ model: 'rl7023-ips' });
  await h.exchange('SKSREG SFE 0\r\n');
  assert.equal(await h.exchange('ROPT\r'), 'FAIL ER04\r\n');
  assert.equal(await h.exchange('WOPT 00\r'), 'FAIL ER04\r\n');
  assert.equal(h.stick.flash.writes, 0);
  h.dispose();
});

test('SKLL64 prints the link-local address with bit 0x02 of the first byte flipped and no OK', async () => {
  const h = new StickHarness();
  assert.equal(await h.exchange('SKLL64 001D129012345678\r\n'), `SKLL64 001D129012345678\r\n${SINGLE_LLA}\r\n`);
  assert.equal(
    await h.exchange('SKLL64 C0F945004058B5FB\r\n'),
    'SKLL64 C0F945004058B5FB\r\nFE80:0000:0000:0000:C2F9:4500:4058:B5FB\r\n',
  );
  h.dispose();
});

test('SKSREG reads registers in the short and the two-digit form and sets S2/S3', async () => {
  const h = new StickHarness();
  await h.exchange('SKSREG SFE 0\r\n');
  assert.equal(
    await h.exchange('SKSREG S2 31\r\nSKSREG S03 B5FB\r\nSKSREG S02\r\nSKSREG S3\r\n'),
    'OK\r\nOK\r\nESREG 31\r\nOK\r\nESREG B5FB\r\nOK\r\n',
  );
  assert.equal(await h.exchange('SKSREG S2 20\r\n'), 'FAIL ER06\r\n', 'channel below 0x21');
  assert.equal(await h.exchange('SKSREG SZZ 1\r\n'), 'FAIL ER06\r\n');
  assert.equal(await h.exchange('SKSREG\r\n'), 'FAIL ER05\r\n');
  h.dispose();
});

test('unknown commands give FAIL ER04, wrong argument counts FAIL ER05, bad arguments FAIL ER06', async () => {
  const h = new StickHarness();
  await h.exchange('SKSREG SFE 0\r\n');
  assert.equal(await h.exchange('SKFOO\r\n'), 'FAIL ER04\r\n');
  assert.equal(await h.exchange('SKVER 1\r\n'), 'FAIL ER05\r\n');
  assert.equal(await h.exchange('SKSETRBID 0011\r\n'), 'FAIL ER06\r\n', 'Route-B ID not 32 chars');
  assert.equal(await h.exchange('SKSETPWD C 0123456789A\r\n'), 'FAIL ER06\r\n', 'length C but 11 chars');
  assert.equal(await h.exchange('SKSETPWD C 0123456789AB\r\n'), 'OK\r\n');
  assert.equal(await h.exchange('SKSETRBID 00112233445566778899AABBCCDDEEFF\r\n'), 'OK\r\n');
  assert.equal(await h.exchange('SKSREG S0A\r\n'), 'ESREG CCDDEEFF\r\nOK\r\n', 'Pairing ID = last 8 chars');
  assert.equal(await h.exchange('SKLL64 00112233\r\n'), 'FAIL ER06\r\n');
  assert.equal(await h.exchange('SKSCAN 2 FFFFFFFF F\r\n'), 'FAIL ER06\r\n', 'duration above 14');
  h.dispose();
});

test('SKTERM and SKSENDTO without a PANA session give FAIL ER10', async () => {
  const h = new StickHarness();
  await h.exchange('SKSREG SFE 0\r\n');
  assert.equal(await h.exchange('SKTERM\r\n'), 'FAIL ER10\r\n');
  const frame = Buffer.from('1081000105FF010288016201E700', 'hex');
  const header = `SKSENDTO 1 ${h.stick.meterLla} 0E1A 1 000E `;
  assert.equal(await h.exchange(Buffer.concat([Buffer.from(header), frame])), 'FAIL ER10\r\n');
  h.dispose();
});

test('a single-stack stick rejects the dual-stack side argument with FAIL ER05, and vice versa', async () => {
  const single = new StickHarness();
  await single.exchange('SKSREG SFE 0\r\n');
  assert.equal(await single.exchange('SKSCAN 2 FFFFFFFF 4 0\r\n'), 'FAIL ER05\r\n');
  const frame = Buffer.from('1081000105FF010288016201E700', 'hex');
  const withSide = Buffer.concat([Buffer.from(`SKSENDTO 1 ${single.stick.meterLla} 0E1A 1 0 000E `), frame]);
  assert.equal(await single.exchange(withSide), 'FAIL ER05\r\n', 'the data is consumed, not parsed as commands');
  const dual = new StickHarness({ dialect: 'dual' });
  await dual.exchange('SKSREG SFE 0\r\n');
  assert.equal(await dual.exchange('SKSCAN 2 FFFFFFFF 4\r\n'), 'FAIL ER05\r\n');
  const noSide = Buffer.concat([Buffer.from(`SKSENDTO 1 ${dual.stick.meterLla} 0E1A 1 000E `), frame]);
  assert.equal(await dual.exchange(noSide), 'FAIL ER05\r\n');
  single.dispose();
  dual.dispose();
});

test('commands written one byte at a time are understood like whole lines', async () => {
  const h = new StickHarness();
  for (const ch of 'SKSREG SFE 0\r\nSKVER\r\nROPT\r') h.send(ch);
  assert.equal(await h.until('OK 01\r'), 'SKSREG SFE 0\r\nOK\r\nEVER 1.2.10\r\nOK\r\nOK 01\r');
  h.dispose();
});

test('a scheduled fault makes the chosen command fail with the chosen code', async () => {
  const h = new StickHarness({
    faults: (await import('../../src/sim/faults.js')).parseFaults('fail:SKVER@2,fail:SKINFO:ER09'),
  });
  await h.exchange('SKSREG SFE 0\r\n');
  assert.equal(await h.exchange('SKVER\r\n'), 'EVER 1.2.10\r\nOK\r\n');
  assert.equal(await h.exchange('SKVER\r\n'), 'FAIL ER10\r\n');
  assert.equal(await h.exchange('SKVER\r\n'), 'EVER 1.2.10\r\nOK\r\n');
  assert.equal(await h.exchange('SKINFO\r\n'), 'FAIL ER09\r\n');
  h.dispose();
});

test('SKRESET restores the echo and forgets the credentials', async () => {
  const h = new StickHarness();
  await h.exchange('SKSREG SFE 0\r\nSKSETRBID 00112233445566778899AABBCCDDEEFF\r\n');
  assert.equal(await h.exchange('SKRESET\r\n'), 'OK\r\n');
  assert.equal(await h.exchange('SKSREG S0A\r\n'), 'SKSREG S0A\r\nESREG 00000000\r\nOK\r\n');
  h.dispose();
});
