/**
 * The settings bmeter reads, with their defaults and ranges (DESIGN.md §4, §5: timeouts and retry
 * counts live here), as a function of the zod namespace: schema.ts builds it from `zod` for its
 * users, config.ts only when a configuration is not plainly valid (quick-parse.ts handles the
 * rest without loading zod, which costs ~70 ms of start-up — issue #6).
 */
import type { z as Z } from 'zod';
import { LOG_LEVELS } from '../log/levels.js';

type Zod = typeof Z;

/** An E1 code as hex, with or without 0x and the leading 0 (PROTOCOL.md §8: 00–04, 0A–0D). */
export const UNIT_CODE = /^(?:0[xX])?0?[0-4A-Da-d]$/;

export const DEFAULT_PROPERTIES = ['E7', 'E8', 'E0', 'E3', 'EA', 'EB'];

export function defineConfigSchema(z: Zod) {
  return z.strictObject({
    /** Device path, `tcp://host:port` (ser2net/socat) or `sim://` (built-in simulator). */
    port: z.string().min(1).default('/dev/ttyUSB0'),
    routeB: z
      .strictObject({
        /** 32 ASCII characters from the power company. */
        id: z.string().length(32, 'the Route-B ID has 32 characters').optional(),
        /** 12 ASCII characters from the power company (SKSETPWD accepts 1–32). */
        password: z.string().min(1).max(32, 'the Route-B password has at most 32 characters').optional(),
      })
      .default({}),
    scanFile: z.string().min(1).default('bmeter.scan.json'),
    /** Override the stick dialect detection. */
    dialect: z.enum(['single', 'dual']).optional(),
    /** Allow one WOPT 01 (flash write) when the stick outputs binary ERXUDP. */
    setHexOutput: z.boolean().default(false),
    /** How long to wait for a port another process holds. */
    waitPortSeconds: z.number().min(0).max(3600).default(30),
    logLevel: z.enum(LOG_LEVELS).default('warn'),
    scan: z
      .strictObject({
        minDuration: z.number().int().min(0).max(14).default(4),
        maxDuration: z.number().int().min(0).max(14).default(7),
        /** Added to the formula time of each scan (9.6 ms × (2^d + 1) × channels). */
        marginMs: z.number().int().min(0).max(60_000).default(2000),
      })
      .default({ minDuration: 4, maxDuration: 7, marginMs: 2000 }),
    timeouts: z
      .strictObject({
        /** A local stick command (SKVER, SKSREG …). */
        commandMs: z.number().int().min(100).max(60_000).default(5000),
        /** SKJOIN until EVENT 25/24; retransmissions can take ~38 s (PROTOCOL.md §3.8). */
        joinMs: z.number().int().min(1000).max(300_000).default(40_000),
        /** A meter's answer to one ECHONET Lite request. */
        responseMs: z.number().int().min(100).max(120_000).default(10_000),
      })
      .default({ commandMs: 5000, joinMs: 40_000, responseMs: 10_000 }),
    retries: z
      .strictObject({
        join: z.number().int().min(0).max(20).default(3),
        request: z.number().int().min(0).max(20).default(2),
      })
      .default({ join: 3, request: 2 }),
    /** What the meter does not say about itself (its nameplate does): used only when it leaves them out. */
    meter: z
      .strictObject({
        /** E1 code in hex: 01 = 0.1 kWh, 02 = 0.01 kWh, 0A = 10 kWh (PROTOCOL.md §8). */
        unit: z.string().regex(UNIT_CODE, 'an E1 unit code is hex: 00–04 or 0A–0D (01 = 0.1 kWh)').optional(),
        /** D3 coefficient. */
        coefficient: z.number().int().min(0).max(999_999).optional(),
        /** D7 effective digits of the energy counters. */
        digits: z.number().int().min(1).max(8).optional(),
      })
      .default({}),
    poll: z
      .strictObject({
        /** EPCs read by every poll, in one Get frame. */
        properties: z
          .array(z.string().regex(/^[0-9A-Fa-f]{2}$/, 'an EPC is two hex digits, e.g. E7'))
          .min(1)
          .default(DEFAULT_PROPERTIES),
      })
      .default({ properties: DEFAULT_PROPERTIES }),
  });
}
