import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelFromHex,
  channelToHex,
  expectedPairId,
  macToLinkLocal,
  rssiFromLqi,
  scanDurationMs,
  scanTimeoutMs,
} from '../../src/scan/scan.js';
import { isBmeterError } from '../../src/errors.js';

test('the link-local address flips bit 0x02 of the first MAC byte (docs/protocol.md §3.7)', () => {
  assert.equal(macToLinkLocal('00FFEEDDCCBBAA99'), 'FE80:0000:0000:0000:02FF:EEDD:CCBB:AA99');
  // SKLL64 example of §3.7 (smdn's test)
  assert.equal(macToLinkLocal('001D129012345678'), 'FE80:0000:0000:0000:021D:1290:1234:5678');
  // real EPANDESC Addr of the RL7023 capture (§3.6)
  assert.equal(macToLinkLocal('001C640003DD6393'), 'FE80:0000:0000:0000:021C:6400:03DD:6393');
  // a MAC whose U/L bit is already set loses it
  assert.equal(macToLinkLocal('02aabbccddeeff11'), 'FE80:0000:0000:0000:00AA:BBCC:DDEE:FF11');
});

test('the link-local address of the RS-WSUHA-P capture matches its own EVENT sender', () => {
  // rswsuha-scan-side: EVENT 20 sender FE80:0000:0000:0000:021D:1291:0004:E578 is the stick's own
  // address, i.e. MAC 001D12910004E578 (§3.2, §11.10)
  assert.equal(macToLinkLocal('001D12910004E578'), 'FE80:0000:0000:0000:021D:1291:0004:E578');
});

test('a MAC that is not 16 hex digits is refused', () => {
  assert.throws(
    () => macToLinkLocal('001D1290123456'),
    (err) => isBmeterError(err, 'PROTOCOL'),
  );
  assert.throws(
    () => macToLinkLocal('001D12901234567G'),
    (err) => isBmeterError(err, 'PROTOCOL'),
  );
});

test('EPANDESC channels are hex: 3B is 59, 21 is 33, 33 is 51', () => {
  assert.equal(channelFromHex('3B'), 59);
  assert.equal(channelFromHex('21'), 33);
  assert.equal(channelFromHex('33'), 51);
  assert.equal(channelFromHex('31'), 49);
  assert.equal(channelToHex(59), '3B');
  assert.equal(channelToHex(33), '21');
  assert.throws(
    () => channelFromHex('Z1'),
    (err) => isBmeterError(err, 'PROTOCOL'),
  );
});

test('RSSI is 0.275 × LQI − 104.27 rounded to 0.01 dBm', () => {
  assert.equal(rssiFromLqi(0xb2), -55.32); // ak1211-bp35a1-scan
  assert.equal(rssiFromLqi(0xdd), -43.49); // rswsuha-scan-side
  assert.equal(rssiFromLqi(0xca), -48.72);
  assert.equal(rssiFromLqi(100), -76.77);
  assert.equal(rssiFromLqi(0), -104.27);
});

test('a scan lasts 9.6 ms × (2^d + 1) × 28 channels', () => {
  assert.equal(scanDurationMs(4), 4569.6);
  assert.equal(scanDurationMs(5), 8870.4);
  assert.equal(scanDurationMs(6), 17472);
  assert.equal(scanDurationMs(7), 34675.2);
  assert.equal(scanDurationMs(6, 1), 624);
});

test('the wait for one scan is its duration plus the margin, rounded up', () => {
  assert.equal(scanTimeoutMs(4, 2000), 6570);
  assert.equal(scanTimeoutMs(6, 2000), 19472);
  assert.equal(scanTimeoutMs(7, 0), 34676);
});

test('the expected PairID is the last 8 characters of the Route-B ID', () => {
  assert.equal(expectedPairId('00112233445566778899AABBCCDDEEFF'), 'CCDDEEFF');
});
