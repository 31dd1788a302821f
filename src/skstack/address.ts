/**
 * Address and register argument helpers.
 */
import { BmeterError } from '../errors.js';

/** Expands an IPv6 address to 8 upper-case groups of 4 digits, so `FE80::1` equals the long form. */
export function normalizeIpv6(address: string): string {
  const upper = address.trim().toUpperCase();
  const [head = '', tail] = upper.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/**
 * Checks a SKSREG register name (`S` and one or two hex digits, §3.4) and, when given, its value (1–32 upper-case
 * hex digits); throws USAGE naming what is wrong.
 */
export function checkRegister(reg: string, value?: string): void {
  if (!/^S[0-9A-F]{1,2}$/.test(reg))
    throw new BmeterError('USAGE', `"${reg}" is not a SKSTACK register name (S02, S3, SFE …)`);
  if (value !== undefined && !/^[0-9A-F]{1,32}$/.test(value))
    throw new BmeterError('USAGE', `register ${reg} value must be upper-case hex, got "${value}"`);
}
