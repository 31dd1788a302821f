/**
 * The scan file's zod schema (version 1). scan-file.ts checks a plainly valid file without it
 * (scan-file-check.ts) and loads this module only to judge and word what is wrong — zod costs
 * ~70 ms of a cron poll's start.
 */
import { z } from 'zod';
import { count } from '../log/count.js';
import { SCAN_FILE_VERSION } from './file-version.js';

export { SCAN_FILE_VERSION };

const hex = (digits: number) =>
  z.string().regex(new RegExp(`^[0-9A-F]{${digits}}$`), `must be ${digits} upper-case hex digits`);

export const scanFileSchema = z
  .object({
    version: z.literal(SCAN_FILE_VERSION),
    scannedAt: z.iso.datetime({ offset: true }),
    dialect: z.enum(['single', 'dual']),
    firmware: z.string(),
    /** Logical channel 33–60, decimal (§3.4 S02, §3.6). */
    channel: z.number().int().min(33).max(60),
    /** The same channel as EPANDESC and SKSREG S2 print it (`"21"` = 33). */
    channelHex: hex(2),
    channelPage: z.number().int().min(0).max(255),
    panId: hex(4),
    macAddress: hex(16),
    ipv6: z.string().regex(/^FE80(:[0-9A-F]{4}){7}$/, 'must be a full upper-case link-local address FE80:0000:…'),
    lqi: z.number().int().min(0).max(255),
    rssiDbm: z.number(),
    pairId: z
      .string()
      .regex(/^[0-9A-Za-z]{8}$/, 'must be 8 letters or digits')
      .nullable(),
  })
  .superRefine((file, ctx) => {
    if (Number.parseInt(file.channelHex, 16) !== file.channel) {
      ctx.addIssue({
        code: 'custom',
        path: ['channelHex'],
        message: `does not match channel ${file.channel}`,
      });
    }
  });

export type ScanFile = z.infer<typeof scanFileSchema>;

/**
 * What is wrong with a scan file, in one line's worth (after `scan file PATH `): `is incomplete: missing
 * firmware, channel, channelHex and 9 more`, or `is not valid: channel must be at most 60 (got 61); panId must
 * be 4 upper-case hex digits; missing ipv6`. `error`: from safeParse with issue-words.ts's wording; `data`: what
 * was judged (a key it lacks is named as missing). Names keys, never their values (but a number out of range).
 */
export function describeIssues(error: z.ZodError, data: unknown): string {
  const present = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const missing: string[] = [];
  const bad: string[] = [];
  for (const issue of error.issues) {
    const key = issue.path[0];
    if (key !== undefined && present[String(key)] === undefined) {
      if (!missing.includes(String(key))) missing.push(String(key));
    } else {
      bad.push(`${issue.path.length > 0 ? issue.path.join('.') : 'the file'} ${issue.message}`);
    }
  }
  const parts = [...(bad.length > 0 ? [first(bad, 2, 'other fault')] : [])];
  if (missing.length > 0) parts.push(`missing ${first(missing, 3, 'more key')}`);
  return `${bad.length > 0 ? 'is not valid' : 'is incomplete'}: ${parts.join('; ')}`;
}

/** The first `n` of `items`, then how many more: `a, b, c and 9 more keys`, `a is …; b is … and 1 other fault`. */
function first(items: string[], n: number, more: string): string {
  const shown = items.slice(0, n);
  const rest = items.length - shown.length;
  const separator = items.some((i) => i.includes(' ')) ? '; ' : ', ';
  return rest > 0 ? `${shown.join(separator)} and ${count(rest, more)}` : shown.join(separator);
}
