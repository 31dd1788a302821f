/**
 * Simulator options, their fast defaults, and the `sim://?key=value&…` query form used by
 * `openSimTransport`, `bmeter simulate` and users' own pipelines.
 */
import { BmeterError } from '../errors.js';
import { type FaultPlan, parseFaults } from './faults.js';
import { parseCalendarTime } from '../time/calendar.js';

/** The simulated meter's B-route credentials (fake; printing them is fine). */
export const SIM_DEMO_ROUTEB_ID = '00000000000000000000DEM0B0000001' as const;
export const SIM_DEMO_PASSWORD = 'DEM0PASSW0RD' as const;

/**
 * - bp35a1: single-stack, EVER 1.2.10, ROPT/WOPT supported (§2).
 * - rl7023-ips: single-stack, hex ERXUDP only, ROPT/WOPT → FAIL ER04 (§3.12, §11.3).
 * - bp35c2: dual-stack, EVER 1.5.2, side arguments and tokens (§2).
 */
export type SimModel = 'bp35a1' | 'rl7023-ips' | 'bp35c2';
export type SimDialect = 'single' | 'dual';

export interface SimOptions {
  dialect: SimDialect;
  model: SimModel;
  /** Initial WOPT "flash" value: ERXUDP data as raw bytes or hex text (§3.12). */
  erxudp: 'hex' | 'binary';
  /** Smallest SKSCAN duration at which the meter's beacon is heard (§3.6). */
  findAt: number;
  /** Multiplies every simulated duration (scan dwell, PANA, lifetimes). 1 = real time. */
  timeScale: number;
  /** Real milliseconds between EVENT 21/OK and the meter's ERXUDP answer (§3.10). */
  rttMs: number;
  faults: FaultPlan;
  /** Probability (0–1) that an ECHONET request meets a random fault (soak mode). */
  faultRate: number;
  seed: number;
  /** Extra meters (0 or 1) that answer the scan with another PairID and LQI. */
  neighbours: number;
  /** The meter rejects every join (EVENT 24) whatever the credentials. */
  authReject: boolean;
  routeBId: string;
  password: string;
  meterMac: string;
  /** Logical channel 33–60 (§3.6). */
  channel: number;
  /** The meter's radio is silent (power cut, interference): no beacon, no PANA, no answers. */
  offAir: boolean;
  lqi: number;
  /** PANA Session-Lifetime granted by the meter, simulated seconds (§3.8: 86400). */
  sessionLifetimeS: number;
  /** Simulated seconds the ARIB TX-time limit lasts between EVENT 32 and 33 (§3.9). */
  aribHoldS: number;
  /** Photovoltaics: power goes negative at midday, the reverse counter grows. */
  pv: boolean;
  /** D3; null = not implemented (Get_SNA, §8 D3). */
  coefficient: number | null;
  /** Appendix release letter in 0x82; 'R' adds C0, D0, EE, EF (§8). */
  release: string;
  /** Single-phase 3-wire (R and T currents) or 2-wire (T = 0x7FFE, §8 E8). */
  wiring: '1p3w' | '1p2w';
  /** Cumulative normal-direction energy at `clock()` when the sim was created, kWh. */
  initialKwh: number;
  /** The meter's and the stick's clock (tests fix it; `clock=<ISO>` freezes it). */
  clock: () => Date;
  /** Reverse-direction metering: E3, E4, EB exist (req_c, §8); `reverse=0` removes them (and from 9F). */
  reverse: boolean;
}

/**
 * The simulator's defaults: a single-stack BP35A1 with hex ERXUDP, meter found at scan duration 4, time 100×
 * faster than real.
 */
export function defaultSimOptions(): SimOptions {
  return {
    dialect: 'single',
    model: 'bp35a1',
    erxudp: 'hex',
    findAt: 4,
    timeScale: 0.01,
    rttMs: 20,
    faults: parseFaults(''),
    faultRate: 0,
    seed: 1,
    neighbours: 0,
    authReject: false,
    routeBId: SIM_DEMO_ROUTEB_ID,
    password: SIM_DEMO_PASSWORD,
    meterMac: '001C640003DE5A1B',
    channel: 0x3b,
    offAir: false,
    lqi: 0xb2,
    sessionLifetimeS: 86400,
    aribHoldS: 60,
    pv: false,
    coefficient: 1,
    release: 'F',
    wiring: '1p3w',
    initialKwh: 12345.6,
    clock: () => new Date(),
    reverse: true,
  };
}

/** Fills the gaps in `partial` and makes dialect and model agree (a model implies its dialect). */
export function resolveSimOptions(partial: Partial<SimOptions> = {}): SimOptions {
  const o: SimOptions = { ...defaultSimOptions(), ...stripUndefined(partial) };
  if (partial.model === undefined) o.model = o.dialect === 'dual' ? 'bp35c2' : 'bp35a1';
  const implied = o.model === 'bp35c2' ? 'dual' : 'single';
  check(
    partial.dialect === undefined || partial.dialect === implied,
    `model ${o.model} is a ${implied}-stack stick: dialect ${partial.dialect ?? ''} contradicts it (leave one out)`,
  );
  o.dialect = implied;
  check(
    o.model !== 'rl7023-ips' || partial.erxudp !== 'binary',
    'model rl7023-ips prints ERXUDP in hex only: erxudp binary contradicts it (leave one out)',
  );
  if (o.model === 'rl7023-ips') o.erxudp = 'hex';
  if (o.faults.findAt !== undefined && partial.findAt === undefined) o.findAt = o.faults.findAt;
  check(o.routeBId.length === 32, `routeBId must be 32 characters, got ${o.routeBId.length}`);
  check(o.password.length >= 1 && o.password.length <= 32, 'password must be 1–32 characters');
  check(/^[0-9A-F]{16}$/.test(o.meterMac), `meterMac must be 16 upper-case hex digits`);
  check(o.channel >= 33 && o.channel <= 60, `channel must be 33–60, got ${o.channel}`);
  check(o.findAt >= 0 && o.findAt <= 14, `findAt must be 0–14, got ${o.findAt}`);
  check(o.timeScale > 0, `timeScale must be > 0`);
  check(o.neighbours === 0 || o.neighbours === 1, 'neighbours must be 0 or 1');
  return o;
}

/** The query options a sim:// URL takes (parseSimUrl). */
const SIM_URL_OPTIONS = [
  'dialect',
  'model',
  'erxudp',
  'wiring',
  'findAt',
  'timeScale',
  'rttMs',
  'faultRate',
  'seed',
  'neighbours',
  'neighbors',
  'channel',
  'lqi',
  'lifetime',
  'sessionLifetimeS',
  'aribHoldS',
  'initialKwh',
  'authReject',
  'pv',
  'reverse',
  'clock',
  'coefficient',
  'release',
  'routeBId',
  'password',
  'meterMac',
  'faults',
] as const;

/** Parses `sim://?dialect=dual&findAt=5&…` (also `sim:`, `sim://`) into options. */
export function parseSimUrl(url: string): Partial<SimOptions> {
  check(/^sim:/i.test(url), `not a sim:// URL: ${url}`);
  const q = url.indexOf('?');
  return simOptionsFromQuery(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
}

/**
 * Simulator options from URL query parameters (`sim://?dialect=dual&faults=…`). Throws BmeterError('USAGE')
 * naming an unknown key or bad value.
 */
export function simOptionsFromQuery(params: URLSearchParams): Partial<SimOptions> {
  const out: Partial<SimOptions> = {};
  for (const [key, value] of params) {
    switch (key) {
      case 'dialect':
        out.dialect = oneOf(key, value, ['single', 'dual'] as const);
        break;
      case 'model':
        out.model = oneOf(key, value, ['bp35a1', 'rl7023-ips', 'bp35c2'] as const);
        break;
      case 'erxudp':
        out.erxudp = oneOf(key, value, ['hex', 'binary'] as const);
        break;
      case 'wiring':
        out.wiring = oneOf(key, value, ['1p3w', '1p2w'] as const);
        break;
      case 'findAt':
        out.findAt = num(key, value);
        break;
      case 'timeScale':
        out.timeScale = num(key, value);
        break;
      case 'rttMs':
        out.rttMs = num(key, value);
        break;
      case 'faultRate':
        out.faultRate = num(key, value);
        break;
      case 'seed':
        out.seed = num(key, value);
        break;
      case 'neighbours':
      case 'neighbors':
        out.neighbours = num(key, value);
        break;
      case 'channel':
        out.channel = num(key, value);
        break;
      case 'lqi':
        out.lqi = num(key, value);
        break;
      case 'lifetime':
      case 'sessionLifetimeS':
        out.sessionLifetimeS = num(key, value);
        break;
      case 'aribHoldS':
        out.aribHoldS = num(key, value);
        break;
      case 'initialKwh':
        out.initialKwh = num(key, value);
        break;
      case 'authReject':
        out.authReject = bool(value);
        break;
      case 'pv':
        out.pv = bool(value);
        break;
      case 'reverse':
        out.reverse = bool(value);
        break;
      case 'clock':
        out.clock = frozenClock(value);
        break;
      case 'coefficient':
        out.coefficient = value === 'none' ? null : num(key, value);
        break;
      case 'release':
        out.release = value.toUpperCase().slice(0, 1);
        break;
      case 'routeBId':
        out.routeBId = value;
        break;
      case 'password':
        out.password = value;
        break;
      case 'meterMac':
        out.meterMac = value.toUpperCase();
        break;
      case 'faults':
        out.faults = parseFaults(value);
        break;
      default:
        throw new BmeterError('USAGE', `unknown sim option "${key}": the options are ${SIM_URL_OPTIONS.join(', ')}`);
    }
  }
  return out;
}

/** `clock=2024-05-01T12:00:00+09:00`: the sim's clock stands still at that instant. */
function frozenClock(value: string): () => Date {
  // A query string turns the '+' of "+09:00" into a space: put it back.
  const ms = parseCalendarTime(value.trim().replace(/ (\d{2}:?\d{2})$/, '+$1'));
  check(value.trim() !== '' && Number.isFinite(ms), `sim option clock: "${value}" is not an ISO 8601 date-time`);
  return () => new Date(ms);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function num(key: string, value: string): number {
  const n = Number(value);
  check(value.trim() !== '' && Number.isFinite(n), `sim option ${key}: "${value}" is not a number`);
  return n;
}

function bool(value: string): boolean {
  return value === '' || value === '1' || value === 'true' || value === 'yes';
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  check((allowed as readonly string[]).includes(value), `sim option ${key} must be one of ${allowed.join('|')}`);
  return value as T;
}

function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new BmeterError('USAGE', `invalid simulator options: ${message}`);
}
