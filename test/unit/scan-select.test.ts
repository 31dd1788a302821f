import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePan, selectMeter, type PanDescriptorLike } from '../../src/scan/scan.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';

const ROUTE_B_ID = '0000000000000000000000000194BFAD';

const pan = (over: Partial<PanDescriptorLike>): PanDescriptorLike => ({
  channel: '21',
  channelPage: '09',
  panId: '0002',
  addr: '001A111100000002',
  lqi: '80',
  ...over,
});

test('the PAN whose PairID matches the Route-B ID wins over a stronger neighbour', () => {
  const neighbour = pan({ addr: '001A111100000009', lqi: 'F0', pairId: '11111111' });
  const mine = pan({ addr: '001A111100000002', lqi: '40', pairId: '0194BFAD' });
  const choice = selectMeter([neighbour, mine], ROUTE_B_ID);
  assert.equal(choice?.pan, mine);
  assert.equal(choice?.pairIdMatched, true);
});

test('among several PANs with the matching PairID the best LQI wins', () => {
  const weak = pan({ addr: '0000000000000001', lqi: '40', pairId: '0194bfad' });
  const strong = pan({ addr: '0000000000000002', lqi: '9B', pairId: '0194BFAD' });
  assert.equal(selectMeter([weak, strong], ROUTE_B_ID)?.pan, strong);
});

test('without a matching PairID the best LQI is taken and flagged as unmatched', () => {
  const a = pan({ addr: '0000000000000001', lqi: 'B2', pairId: '11111111' });
  const b = pan({ addr: '0000000000000002', lqi: 'DD' });
  const c = pan({ addr: '0000000000000003', lqi: 12, pairId: '22222222' });
  const choice = selectMeter([a, b, c], ROUTE_B_ID);
  assert.equal(choice?.pan, b);
  assert.equal(choice?.pairIdMatched, false);
});

test('no PAN gives no choice', () => {
  assert.equal(selectMeter([], ROUTE_B_ID), undefined);
});

test('the chosen EPANDESC becomes the scan result with decimal channel and derived address', () => {
  // rswsuha-scan-side (meter MAC masked by the author as 0011223344556677)
  const result = describePan(
    {
      channel: '31',
      channelPage: '09',
      panId: 'B5FB',
      addr: '0011223344556677',
      lqi: 'DD',
      side: 0,
      pairId: '0194BFAD',
    },
    { firmware: '1.5.2', dialect: 'dual' },
    new Date('2024-01-02T03:04:05Z'),
  );
  assert.match(result.scannedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
  assert.equal(Date.parse(result.scannedAt), Date.parse('2024-01-02T03:04:05Z'));
  assert.deepEqual({ ...result, scannedAt: undefined }, { ...SCAN_RESULT, scannedAt: undefined });
});

test('an EPANDESC already decoded to numbers gives the same result', () => {
  const result = describePan(
    { channel: 59, channelPage: 9, panId: 'abc', addr: '001c640003dd6393', lqi: 178 },
    { firmware: '1.2.10', dialect: 'single' },
    new Date(),
  );
  assert.equal(result.channel, 59);
  assert.equal(result.channelHex, '3B');
  assert.equal(result.panId, '0ABC');
  assert.equal(result.macAddress, '001C640003DD6393');
  assert.equal(result.ipv6, 'FE80:0000:0000:0000:021C:6400:03DD:6393');
  assert.equal(result.rssiDbm, -55.32);
  assert.equal(result.pairId, null);
});

test('an EPANDESC the parser marked unusable is never chosen', () => {
  const broken = pan({ addr: '', lqi: 'FF', pairId: '0194BFAD', fault: 'EPANDESC unusable: no Addr' });
  const good = pan({ addr: '001A111100000002', lqi: '10' });
  assert.equal(selectMeter([broken, good], ROUTE_B_ID)?.pan, good);
  assert.equal(selectMeter([broken], ROUTE_B_ID), undefined);
});
