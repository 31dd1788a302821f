/**
 * The scan file schema (scan-file-schema.ts) checked by hand for a plainly valid file: same
 * rules, same result (unknown keys dropped, the documented key order), no zod (fast
 * start). Anything it does not accept returns undefined and zod judges it and words the error.
 * test/unit/scan-file-check.test.ts holds the two to the same results.
 */
import type { ScanFile } from './file-schema.js';

import { SCAN_FILE_VERSION } from './file-version.js';

export { SCAN_FILE_VERSION };

const HEX = (digits: number) => new RegExp(`^[0-9A-F]{${digits}}$`);
const HEX2 = HEX(2);
const HEX4 = HEX(4);
const HEX16 = HEX(16);
const IPV6 = /^FE80(:[0-9A-F]{4}){7}$/;
const PAIR_ID = /^[0-9A-Za-z]{8}$/;
/** ISO date-time with seconds and a ±hh:mm offset (a subset of z.iso.datetime({ offset: true })). */
const DATETIME =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?[+-]([01]\d|2[0-3]):[0-5]\d$/;

function int(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

function str(v: unknown, re: RegExp): v is string {
  return typeof v === 'string' && re.test(v);
}

function datetime(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATETIME.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d; // no 31 April, no 29 February 2023
}

/**
 * The scan file `data` (parsed JSON) as a ScanFile when every field is present and in range, else undefined: a
 * hand-written check of the shape scan writes, so that `poll` need not load zod to read its scan file (the
 * full schema, file-schema.ts, then says what is wrong).
 */
export function quickCheckScanFile(data: unknown): ScanFile | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const f = data as Record<string, unknown>;
  const ok =
    f['version'] === SCAN_FILE_VERSION &&
    datetime(f['scannedAt']) &&
    (f['dialect'] === 'single' || f['dialect'] === 'dual') &&
    typeof f['firmware'] === 'string' &&
    int(f['channel'], 33, 60) &&
    str(f['channelHex'], HEX2) &&
    Number.parseInt(f['channelHex'], 16) === f['channel'] &&
    int(f['channelPage'], 0, 255) &&
    str(f['panId'], HEX4) &&
    str(f['macAddress'], HEX16) &&
    str(f['ipv6'], IPV6) &&
    int(f['lqi'], 0, 255) &&
    typeof f['rssiDbm'] === 'number' &&
    Number.isFinite(f['rssiDbm']) &&
    (f['pairId'] === null || str(f['pairId'], PAIR_ID));
  if (!ok) return undefined;
  return {
    version: 1,
    scannedAt: f['scannedAt'] as string,
    dialect: f['dialect'] as ScanFile['dialect'],
    firmware: f['firmware'] as string,
    channel: f['channel'] as number,
    channelHex: f['channelHex'] as string,
    channelPage: f['channelPage'] as number,
    panId: f['panId'] as string,
    macAddress: f['macAddress'] as string,
    ipv6: f['ipv6'] as string,
    lqi: f['lqi'] as number,
    rssiDbm: f['rssiDbm'] as number,
    pairId: f['pairId'] as string | null,
  };
}
