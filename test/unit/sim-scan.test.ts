import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StickHarness } from './sim-harness.js';
import { dwellMs, maskChannels } from '../../src/sim/scan.js';

const SINGLE_LLA = 'FE80:0000:0000:0000:021D:1290:1234:5678';
const DUAL_LLA = 'FE80:0000:0000:0000:021D:1291:0004:E578';

test('the dwell per channel follows 9.6 ms × (2^d + 1) and the mask maps bit 0 to channel 33', () => {
  assert.equal(dwellMs(6), 624);
  assert.equal(Math.round(dwellMs(4) * 10) / 10, 163.2);
  assert.deepEqual(maskChannels(0x00000001), [33]);
  assert.deepEqual(maskChannels(1 << (59 - 33)), [59]);
  assert.equal(maskChannels(0xffffffff).length, 28);
});

test("a scan below the meter's findAt duration prints OK and only EVENT 22", async () => {
  const h = new StickHarness({ findAt: 5 });
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 2 FFFFFFFF 4\r\n');
  assert.equal(await h.until('EVENT 22'), `OK\r\nEVENT 22 ${SINGLE_LLA}\r\n`);
  h.dispose();
});

test('a single-stack scan at findAt prints EVENT 20 and an EPANDESC without Side, then EVENT 22', async () => {
  const h = new StickHarness({ findAt: 5 });
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 2 FFFFFFFF 5\r\n');
  assert.equal(
    await h.until('EVENT 22'),
    'OK\r\n' +
      `EVENT 20 ${SINGLE_LLA}\r\n` +
      'EPANDESC\r\n' +
      '  Channel:3B\r\n' +
      '  Channel Page:09\r\n' +
      '  Pan ID:5A1B\r\n' +
      '  Addr:001C640003DE5A1B\r\n' +
      '  LQI:B2\r\n' +
      '  PairID:B0000001\r\n' +
      `EVENT 22 ${SINGLE_LLA}\r\n`,
  );
  h.dispose();
});

test('a dual-stack scan needs the side argument and prints side tokens and a Side: line', async () => {
  const h = new StickHarness({ dialect: 'dual', findAt: 3 });
  // echo on, trailing space kept as in capture rswsuha-scan-side
  h.send('SKSCAN 2 FFFFFFFF 6 0 \r\n');
  assert.equal(
    await h.until('EVENT 22'),
    'SKSCAN 2 FFFFFFFF 6 0 \r\n' +
      'OK\r\n' +
      `EVENT 20 ${DUAL_LLA} 0\r\n` +
      'EPANDESC\r\n' +
      '  Channel:3B\r\n' +
      '  Channel Page:09\r\n' +
      '  Pan ID:5A1B\r\n' +
      '  Addr:001C640003DE5A1B\r\n' +
      '  LQI:B2\r\n' +
      '  Side:0\r\n' +
      '  PairID:B0000001\r\n' +
      `EVENT 22 ${DUAL_LLA} 0\r\n`,
  );
  h.dispose();
});

test("the PairID is the last 8 characters of the meter's Route-B ID and mode 3 prints none", async () => {
  const h = new StickHarness({ routeBId: '0123456789ABCDEF0123456789ABCDEF', findAt: 1 });
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 2 FFFFFFFF 1\r\n');
  assert.match(await h.until('EVENT 22'), /\r\n {2}PairID:89ABCDEF\r\n/);
  h.send('SKSCAN 3 FFFFFFFF 1\r\n');
  assert.doesNotMatch(await h.until('EVENT 22'), /PairID/);
  h.dispose();
});

test('a neighbour meter shows up as a second EPANDESC with another PairID and LQI', async () => {
  const h = new StickHarness({ neighbours: 1, findAt: 1 });
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 2 FFFFFFFF 2\r\n');
  const out = await h.until('EVENT 22');
  const pairIds = [...out.matchAll(/PairID:(\w+)/g)].map((m) => m[1]);
  const lqis = [...out.matchAll(/LQI:(\w+)/g)].map((m) => m[1]);
  assert.equal(pairIds.length, 2);
  assert.notEqual(pairIds[0], pairIds[1]);
  assert.notEqual(lqis[0], lqis[1]);
  assert.equal((out.match(/EVENT 20 /g) ?? []).length, 2);
  h.dispose();
});

test('a scan restricted to another channel does not hear the meter', async () => {
  const h = new StickHarness({ findAt: 1 });
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 2 00000001 6\r\n');
  assert.equal(await h.until('EVENT 22'), `OK\r\nEVENT 22 ${SINGLE_LLA}\r\n`);
  h.send(`SKSCAN 2 ${(1 << (0x3b - 33)).toString(16).toUpperCase().padStart(8, '0')} 6\r\n`);
  assert.match(await h.until('EVENT 22'), /EPANDESC/);
  h.dispose();
});

test('a scan lasts channels × 9.6 ms × (2^d + 1) scaled by timeScale', async () => {
  const h = new StickHarness({ timeScale: 0.05 });
  await h.exchange('SKSREG SFE 0\r\n');
  // By hand from docs/protocol.md §3.6: 28 channels × 9.6 ms × (2^d + 1) × 0.05 —
  // d = 4: 28 × 9.6 × 17 × 0.05 = 228.48 ms; d = 5: 28 × 9.6 × 33 × 0.05 = 443.52 ms (on the stick's clock).
  for (const [d, expected] of [
    [4, 228.48],
    [5, 443.52],
  ] as const) {
    const start = h.clock.now();
    h.send(`SKSCAN 2 FFFFFFFF ${d}\r\n`);
    await h.until('EVENT 22');
    const took = h.clock.now() - start;
    assert.ok(Math.abs(took - expected) < 1e-6, `d=${d}: took ${took} ms, expected ${expected} ms`);
  }
  h.dispose();
});

test('with default options a duration-4 scan of all channels finds the meter (the default findAt is 4)', async () => {
  // How fast it is belongs to the benchmark, not to a wall-clock threshold here.
  const h = new StickHarness({ timeScale: 0.01 });
  h.send('SKSCAN 2 FFFFFFFF 4\r\n');
  assert.match(await h.until('EVENT 22'), /EPANDESC/, 'the default findAt is 4');
  h.dispose();
});

test('an ED scan (mode 0) ends with EVENT 1F and an EEDSCAN line of channel/LQI pairs', async () => {
  const h = new StickHarness();
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 0 00000003 2\r\n');
  const out = await h.until((o) => o.includes('EEDSCAN') && o.endsWith('\r\n\r\n'));
  assert.match(
    out,
    new RegExp(`^OK\\r\\nEVENT 1F ${SINGLE_LLA}\\r\\nEEDSCAN\\r\\n21 [0-9A-F]{2} 22 [0-9A-F]{2}\\r\\n\\r\\n$`),
  );
  h.dispose();
});

test('a second SKSCAN while one is running fails with ER10', async () => {
  const h = new StickHarness({ timeScale: 0.05 });
  await h.exchange('SKSREG SFE 0\r\n');
  h.send('SKSCAN 2 FFFFFFFF 4\r\nSKSCAN 2 FFFFFFFF 4\r\n');
  assert.match(await h.until('EVENT 22'), /^OK\r\nFAIL ER10\r\n/);
  h.dispose();
});
