/**
 * Address helpers shared by the stick and the meter (docs/protocol.md §3.2, §3.7).
 * The link-local IPv6 address is FE80:: + the EUI-64 with bit 0x02 of its first byte
 * inverted, printed as 8 groups of 4 upper-case hex digits (39 chars).
 */

export const MULTICAST_ALL_NODES = 'FF02:0000:0000:0000:0000:0000:0000:0001' as const;

/** `001D129012345678` → `FE80:0000:0000:0000:021D:1290:1234:5678` (SKLL64, §3.7). */
export function linkLocalFromMac(mac: string): string {
  const bytes = Buffer.from(mac, 'hex');
  bytes[0] = (bytes[0] ?? 0) ^ 0x02;
  const hex = bytes.toString('hex').toUpperCase();
  const groups = ['FE80', '0000', '0000', '0000'];
  for (let i = 0; i < 16; i += 4) groups.push(hex.slice(i, i + 4));
  return groups.join(':');
}

/** True for 16 hex digits, the form of an EUI-64 MAC (docs/protocol.md §3.7). */
export function isMac(text: string): boolean {
  return /^[0-9A-Fa-f]{16}$/.test(text);
}

/** The 39-char upper-case form, or null when `text` is not an IPv6 address the stick accepts. */
export function canonicalIpv6(text: string): string | null {
  if (/^[0-9A-Fa-f]{4}(:[0-9A-Fa-f]{4}){7}$/.test(text)) return text.toUpperCase();
  if (!/^[0-9A-Fa-f:]+$/.test(text) || text.split('::').length > 2) return null;
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return null;
  return groups.map((g) => g.toUpperCase().padStart(4, '0')).join(':');
}
