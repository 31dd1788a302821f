/**
 * The scan file's zod schema (version 1). scan-file.ts checks a plainly valid file without it
 * (scan-file-check.ts) and loads this module only to judge and word what is wrong — zod costs
 * ~70 ms of a cron poll's start.
 */
import { z } from 'zod';
import { SCAN_FILE_VERSION } from './file-version.js';

export { SCAN_FILE_VERSION };

const hex = (digits: number) =>
  z.string().regex(new RegExp(`^[0-9A-F]{${digits}}$`), `expected ${digits} upper-case hex digits`);

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
    ipv6: z.string().regex(/^FE80(:[0-9A-F]{4}){7}$/, 'expected a full upper-case link-local address FE80:0000:…'),
    lqi: z.number().int().min(0).max(255),
    rssiDbm: z.number(),
    pairId: z
      .string()
      .regex(/^[0-9A-Za-z]{8}$/, 'expected 8 characters')
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
 *
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.length > 0 ? issue.path.join('.') : '(file)'}: ${issue.message}`)
    .join('\n');
}
