// The scan file of the simulator's default meter (src/sim: channel 0x3B, PAN 6393): what `bmeter scan
// --port sim://` writes, for the scripts that run a cron `bmeter poll` without scanning first
// (scripts/code-cache.mjs at build time, bench/first-byte-ab.mjs).

/** The scan file's content (version 1 of the format, src/scan/file-schema.ts). */
export const SIM_SCAN_FILE = {
  version: 1,
  scannedAt: '2024-05-01T12:00:00.000+09:00',
  dialect: 'single',
  firmware: '1.2.10',
  channel: 59,
  channelHex: '3B',
  channelPage: 9,
  panId: '6393',
  macAddress: '001C640003DD6393',
  ipv6: 'FE80:0000:0000:0000:021C:6400:03DD:6393',
  lqi: 100,
  rssiDbm: -55.3,
  pairId: '12345678',
};
