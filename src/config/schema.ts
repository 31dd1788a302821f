/**
 * The settings bmeter reads, with their defaults and ranges (DESIGN.md §4, §5): the one schema,
 * written with `zod/mini` (zod 4's tree-shakable build, bundled into dist/bmeter.cjs, so
 * validating every start costs no module loading). The `timeouts` and `retries` sections are
 * built from the timing table (src/time/timing.ts), so every delay, timeout and attempt count
 * can be set in the config file with its range checked. config.ts words the errors.
 */
import * as z from 'zod/mini';
import { LOG_LEVELS } from '../log/levels.js';
import {
  DEFAULT_CHANNEL_SCAN_DURATIONS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUTS,
  RETRIES,
  TIMEOUTS,
  type TimingEntry,
} from '../time/timing.js';

/** The EPCs a poll reads by default (§9 periodic set). */
export const DEFAULT_PROPERTIES = ['E7', 'E8', 'E0', 'E3', 'EA', 'EB'];

const int = (min: number, max: number, def: number) => z._default(z.int().check(z.minimum(min), z.maximum(max)), def);

/** One integer field per row of a timing table, with the row's range and default. */
function timingSection<T extends Record<string, TimingEntry>>(table: T, defaults: { [K in keyof T]: number }) {
  const shape = Object.fromEntries(Object.entries(table).map(([k, e]) => [k, int(e.min, e.max, e.default)])) as {
    [K in keyof T]: ReturnType<typeof int>;
  };
  return z._default(z.strictObject(shape), defaults as never);
}

const DEFAULT_PORT = '/dev/ttyUSB0';
const DEFAULT_SCAN_FILE = 'bmeter.scan.json';
const DEFAULT_WAIT_PORT_SECONDS = 30;
const DEFAULT_LOG_LEVEL = 'warn' as const;
/** An E1 code as hex, with or without 0x and the leading 0 (docs/protocol.md §8: 00–04, 0A–0D). */
export const UNIT_CODE = /^(?:0[xX])?0?[0-4A-Da-d]$/;

const MQTT_DEFAULTS = { topicPrefix: 'bmeter', discoveryPrefix: 'homeassistant' };

/** An MQTT topic prefix: levels of letters, digits, `_` and `-`, no wildcards, no leading or trailing `/`. */
export const MQTT_PREFIX = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const MQTT_PREFIX_MESSAGE =
  'a topic prefix is letters, digits, _ and - in levels split by /, e.g. bmeter or home/bmeter';
const mqttPrefix = (def: string) => z._default(z.string().check(z.regex(MQTT_PREFIX, MQTT_PREFIX_MESSAGE)), def);

const SCAN_DEFAULTS = {
  minDuration: 4,
  maxDuration: 7,
  marginMs: 2000,
  channelDurations: [...DEFAULT_CHANNEL_SCAN_DURATIONS],
};

/**
 * Each top-level setting's schema, built only when that setting is given: constructing zod
 * schemas costs start-up time (~10 ms for all of them), and a cron poll usually sets a few.
 */
const FIELDS = {
  /** Device path, `tcp://host:port` (ser2net/socat) or `sim://` (built-in simulator). */
  port: () => z._default(z.string().check(z.minLength(1)), DEFAULT_PORT),
  routeB: () =>
    z._default(
      z.strictObject({
        /** 32 ASCII characters from the power company. */
        id: z.optional(z.string().check(z.length(32, 'the Route-B ID has 32 characters'))),
        /** 12 ASCII characters from the power company (SKSETPWD accepts 1–32). */
        password: z.optional(
          z.string().check(z.minLength(1), z.maxLength(32, 'the Route-B password has at most 32 characters')),
        ),
      }),
      {},
    ),
  scanFile: () => z._default(z.string().check(z.minLength(1)), DEFAULT_SCAN_FILE),
  /** Override the stick dialect detection. */
  dialect: () => z.optional(z.enum(['single', 'dual'])),
  /** Allow one WOPT 01 (flash write) when the stick outputs binary ERXUDP. */
  setHexOutput: () => z._default(z.boolean(), false),
  /** How long to wait for a port another process holds (seconds). */
  waitPortSeconds: () => z._default(z.number().check(z.minimum(0), z.maximum(3600)), DEFAULT_WAIT_PORT_SECONDS),
  logLevel: () => z._default(z.enum(LOG_LEVELS), DEFAULT_LOG_LEVEL),
  scan: () =>
    z._default(
      z.strictObject({
        minDuration: int(0, 14, SCAN_DEFAULTS.minDuration),
        maxDuration: int(0, 14, SCAN_DEFAULTS.maxDuration),
        /** Added to the formula time of each scan (9.6 ms × (2^d + 1) × channels). */
        marginMs: int(0, 60_000, SCAN_DEFAULTS.marginMs),
        /** SKSCAN durations tried on the known channel during recovery. */
        channelDurations: z._default(z.array(z.int().check(z.minimum(0), z.maximum(14))).check(z.minLength(1)), [
          ...DEFAULT_CHANNEL_SCAN_DURATIONS,
        ]),
      }),
      SCAN_DEFAULTS,
    ),
  /** Every timeout and delay of the timing table (ms). */
  timeouts: () => timingSection(TIMEOUTS, DEFAULT_TIMEOUTS),
  /** Every attempt count of the timing table. */
  retries: () => timingSection(RETRIES, DEFAULT_RETRIES),
  poll: () =>
    z._default(
      z.strictObject({
        /** EPCs read by every poll, in one Get frame. */
        properties: z._default(
          z
            .array(z.string().check(z.regex(/^[0-9A-Fa-f]{2}$/, 'an EPC is two hex digits, e.g. E7')))
            .check(z.minLength(1)),
          DEFAULT_PROPERTIES,
        ),
      }),
      { properties: DEFAULT_PROPERTIES },
    ),
  /** What the meter does not say about itself (its nameplate does): used only when it leaves them out. */
  meter: () =>
    z._default(
      z.strictObject({
        /** E1 code in hex: 01 = 0.1 kWh, 02 = 0.01 kWh, 0A = 10 kWh (docs/protocol.md §8). */
        unit: z.optional(z.string().check(z.regex(UNIT_CODE, 'an E1 unit code is hex: 00–04 or 0A–0D (01 = 0.1 kWh)'))),
        /** D3 coefficient, 1–999999 (0 would zero every kWh; cli/meter-options.ts parseCoefficient). */
        coefficient: z.optional(z.int().check(z.minimum(1), z.maximum(999_999))),
        /** D7 effective digits of the energy counters. */
        digits: z.optional(z.int().check(z.minimum(1), z.maximum(8))),
      }),
      {},
    ),
  /** MQTT output (`--mqtt`); the URL may carry user:password, but better the fields or the environment. */
  mqtt: () =>
    z._default(
      z.strictObject({
        /** mqtt://host[:port] or mqtts://host[:port]. */
        url: z.optional(z.string().check(z.minLength(1))),
        username: z.optional(z.string().check(z.minLength(1))),
        password: z.optional(z.string().check(z.minLength(1))),
        /** State and availability go to `<topicPrefix>/<meter>/…`. */
        topicPrefix: mqttPrefix(MQTT_DEFAULTS.topicPrefix),
        /** Home Assistant's discovery prefix (its MQTT integration setting). */
        discoveryPrefix: mqttPrefix(MQTT_DEFAULTS.discoveryPrefix),
      }),
      MQTT_DEFAULTS,
    ),
};

type FieldName = keyof typeof FIELDS;

function buildSchema() {
  const f = FIELDS;
  return z.strictObject({
    port: f.port(),
    routeB: f.routeB(),
    scanFile: f.scanFile(),
    dialect: f.dialect(),
    setHexOutput: f.setHexOutput(),
    waitPortSeconds: f.waitPortSeconds(),
    logLevel: f.logLevel(),
    scan: f.scan(),
    timeouts: f.timeouts(),
    retries: f.retries(),
    meter: f.meter(),
    poll: f.poll(),
    mqtt: f.mqtt(),
  });
}

/** The merged settings after validation, defaults filled in. */
export type Config = z.infer<ReturnType<typeof buildSchema>>;

/** What an absent setting becomes: the same constants the schema's defaults use. */
function defaults(): Omit<Config, 'dialect'> {
  return structuredClone({
    port: DEFAULT_PORT,
    routeB: {},
    scanFile: DEFAULT_SCAN_FILE,
    setHexOutput: false,
    waitPortSeconds: DEFAULT_WAIT_PORT_SECONDS,
    logLevel: DEFAULT_LOG_LEVEL,
    scan: SCAN_DEFAULTS,
    timeouts: DEFAULT_TIMEOUTS,
    retries: DEFAULT_RETRIES,
    meter: {},
    poll: { properties: DEFAULT_PROPERTIES },
    mqtt: MQTT_DEFAULTS,
  });
}

let full: ReturnType<typeof buildSchema> | undefined;

/** The whole schema (built on first use): the config file's rules, for tests and the demo. */
export const configSchema = {
  parse: (input: unknown): Config => (full ??= buildSchema()).parse(input),
  safeParse: (input: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) =>
    (full ??= buildSchema()).safeParse(input, params),
};

/**
 * Validates `input` with the schemas of the settings it holds only (unknown keys: the whole
 * schema judges); absent settings take their defaults. The same result as configSchema.safeParse.
 */
export function parseSettings(input: Record<string, unknown>): ReturnType<typeof configSchema.safeParse> {
  const keys = Object.keys(input).filter((k) => input[k] !== undefined);
  if (!keys.every((k): k is FieldName => Object.hasOwn(FIELDS, k))) return configSchema.safeParse(input);
  const shape = Object.fromEntries(keys.map((k) => [k, FIELDS[k]()]));
  const present = z.strictObject(shape).safeParse(Object.fromEntries(keys.map((k) => [k, input[k]])));
  if (!present.success) return configSchema.safeParse(input);
  return { success: true, data: { ...defaults(), ...present.data } as Config } as ReturnType<
    typeof configSchema.safeParse
  >;
}
