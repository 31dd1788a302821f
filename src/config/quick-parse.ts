/**
 * The configuration schema (schema-def.ts) checked by hand, for the common case of a plainly
 * valid configuration: same rules, same defaults, same result — without loading zod, which costs
 * ~70 ms of a cron poll's start (issue #6). Anything it does not accept (unknown key, wrong
 * type, out of range) returns undefined, and config.ts lets the zod schema judge and word the
 * error. test/unit/config-quick-parse.test.ts holds the two to the same results.
 */
import { LOG_LEVELS } from '../log/levels.js';
import type { Config } from './schema.js';
import { DEFAULT_PROPERTIES, UNIT_CODE } from './schema-def.js';

type Obj = Record<string, unknown>;
const NO = Symbol('invalid');
type Maybe<T> = T | typeof NO;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Only known keys, none of them explicitly undefined. */
function keysOk(o: Obj, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k) && o[k] !== undefined);
}

function str(v: unknown, def: string | undefined, min: number, max = Infinity): Maybe<string | undefined> {
  if (v === undefined) return def;
  return typeof v === 'string' && v.length >= min && v.length <= max ? v : NO;
}

function num(v: unknown, def: number, min: number, max: number, int: boolean): Maybe<number> {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return NO;
  return int && !Number.isSafeInteger(v) ? NO : v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], def: T | undefined): Maybe<T | undefined> {
  if (v === undefined) return def;
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : NO;
}

function section<T>(v: unknown, keys: readonly string[], build: (o: Obj) => Maybe<T>): Maybe<T> {
  if (v === undefined) return build({});
  return isObj(v) && keysOk(v, keys) ? build(v) : NO;
}

function all<T extends Obj>(o: T): Maybe<{ [K in keyof T]: Exclude<T[K], typeof NO> }> {
  return Object.values(o).includes(NO) ? NO : (o as { [K in keyof T]: Exclude<T[K], typeof NO> });
}

const TOP = ['port', 'routeB', 'scanFile', 'dialect', 'setHexOutput', 'waitPortSeconds', 'logLevel', 'scan', 'timeouts', 'retries', 'meter', 'poll'];

/** The Config the zod schema would give for `input`, or undefined when zod must judge it. */
export function quickParseConfig(input: unknown): Config | undefined {
  if (!isObj(input) || !keysOk(input, TOP)) return undefined;
  const routeB = section(input['routeB'], ['id', 'password'], (o) => {
    const id = str(o['id'], undefined, 32, 32);
    const password = str(o['password'], undefined, 1, 32);
    if (id === NO || password === NO) return NO;
    return { ...(id !== undefined && { id }), ...(password !== undefined && { password }) };
  });
  const scan = section(input['scan'], ['minDuration', 'maxDuration', 'marginMs'], (o) =>
    all({
      minDuration: num(o['minDuration'], 4, 0, 14, true),
      maxDuration: num(o['maxDuration'], 7, 0, 14, true),
      marginMs: num(o['marginMs'], 2000, 0, 60_000, true),
    }),
  );
  const timeouts = section(input['timeouts'], ['commandMs', 'joinMs', 'responseMs'], (o) =>
    all({
      commandMs: num(o['commandMs'], 5000, 100, 60_000, true),
      joinMs: num(o['joinMs'], 40_000, 1000, 300_000, true),
      responseMs: num(o['responseMs'], 10_000, 100, 120_000, true),
    }),
  );
  const retries = section(input['retries'], ['join', 'request'], (o) =>
    all({ join: num(o['join'], 3, 0, 20, true), request: num(o['request'], 2, 0, 20, true) }),
  );
  const poll = section(input['poll'], ['properties'], (o) => {
    const p = o['properties'];
    if (p === undefined) return { properties: [...DEFAULT_PROPERTIES] };
    const ok = Array.isArray(p) && p.length >= 1 && p.every((e) => typeof e === 'string' && /^[0-9A-Fa-f]{2}$/.test(e));
    return ok ? { properties: [...(p as string[])] } : NO;
  });
  const meter = section(input['meter'], ['unit', 'coefficient', 'digits'], (o) => {
    const unit = o['unit'];
    if (unit !== undefined && (typeof unit !== 'string' || !UNIT_CODE.test(unit))) return NO;
    const coefficient = o['coefficient'] === undefined ? undefined : num(o['coefficient'], 1, 0, 999_999, true);
    const digits = o['digits'] === undefined ? undefined : num(o['digits'], 1, 1, 8, true);
    if (coefficient === NO || digits === NO) return NO;
    return {
      ...(unit !== undefined && { unit }),
      ...(coefficient !== undefined && { coefficient }),
      ...(digits !== undefined && { digits }),
    };
  });
  const setHexOutput = input['setHexOutput'] === undefined ? false : typeof input['setHexOutput'] === 'boolean' ? input['setHexOutput'] : NO;
  const dialect = oneOf(input['dialect'], ['single', 'dual'] as const, undefined);
  const result = all({
    port: str(input['port'], '/dev/ttyUSB0', 1) as Maybe<string>,
    routeB,
    scanFile: str(input['scanFile'], 'bmeter.scan.json', 1) as Maybe<string>,
    dialect,
    setHexOutput,
    waitPortSeconds: num(input['waitPortSeconds'], 30, 0, 3600, false),
    logLevel: oneOf(input['logLevel'], LOG_LEVELS, 'warn') as Maybe<(typeof LOG_LEVELS)[number]>,
    scan,
    timeouts,
    retries,
    meter,
    poll,
  });
  if (result === NO) return undefined;
  const { dialect: d, ...rest } = result;
  return (d === undefined ? rest : { ...rest, dialect: d }) as Config;
}
