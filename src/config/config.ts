/**
 * Loads the settings: flags > environment > config file > defaults (docs/design.md §4). Secrets come
 * only from the environment or the file (never flags: they would show in `ps`) and are registered
 * with the log redactor as soon as they are read.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod/mini';
import { BmeterError } from '../errors.js';
import { secretRedactor } from '../log/redact.js';
import { credentialProblems, credentialWarnings, sourceNamer, type SourceNamer } from './config-sources.js';
import { wordIssue } from './issue-words.js';
import { configSchema, parseSettings, type Config } from './schema.js';

export type { Config } from './schema.js';

export interface LoadConfigInput {
  /** Parsed command-line options (commander's optsWithGlobals()). */
  flags: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Told about a config file that others may read although it holds the password. */
  warn?: (message: string) => void;
}

/** The config file read when none is named (in the working directory), if it exists. */
export const DEFAULT_CONFIG_FILE = 'bmeter.config.json';

/**
 * The settings of this run: the config file (`--config`, BMETER_CONFIG, else ./bmeter.config.json when it exists)
 * under the environment (BMETER_*) under the flags, with the defaults of the schema. Throws CONFIG (exit 2) naming
 * every faulty setting and where it came from, never its value; warns through `input.warn` about a config file
 * others can read that holds a secret.
 */
export function loadConfig(input: LoadConfigInput): Config {
  const { flags, env, cwd } = input;
  const { object: file, path } = readConfigFile(flags, env, cwd, input.warn);
  const envLayer = fromEnv(env);
  const flagLayer = fromFlags(flags);
  const merged = mergeLayers(file, envLayer, flagLayer);
  const where = sourceNamer(envLayer, flagLayer, path);
  const problems = credentialProblems(merged, where);
  if (problems.length > 0) {
    // Listed with every other fault of the configuration in one message.
    const rest = parseSettings(merged).success ? [] : wordedIssues(merged, where);
    throw configError([...problems, ...rest]);
  }
  const config = parseConfig(merged, where);
  for (const warning of credentialWarnings(merged, where)) input.warn?.(warning);
  secretRedactor.add(config.routeB.id?.slice(-8)); // the PairID (SKSCAN's EPANDESC, the scan file)
  secretRedactor.add(config.routeB.id);
  secretRedactor.add(config.routeB.password);
  secretRedactor.add(config.mqtt.password);
  config.scanFile = isAbsolute(config.scanFile) ? config.scanFile : resolve(cwd, config.scanFile);
  return config;
}

/**
 * The one schema (schema.ts) judges the merged settings; only an invalid configuration is judged
 * again by the whole schema, to word every fault.
 */
function parseConfig(merged: Record<string, unknown>, where: SourceNamer): Config {
  const result = parseSettings(merged);
  if (result.success) return result.data;
  throw configError(wordedIssues(merged, where));
}

/**
 * One fault is one line (`--wait-port (waitPortSeconds): must be at most 3600 (got 5000)`); several are
 * listed under `invalid configuration:`, one line each.
 */
function configError(problems: string[]): BmeterError {
  if (problems.length === 1) return new BmeterError('CONFIG', problems[0] ?? '');
  return new BmeterError('CONFIG', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/**
 * The whole schema's complaints about `merged`, one line each, in bmeter's words (issue-words.ts), naming each
 * value's source. zod/mini carries no messages of its own: only the schema's and these.
 */
function wordedIssues(merged: Record<string, unknown>, where: SourceNamer): string[] {
  const worded = configSchema.safeParse(merged, { error: wordIssue });
  return worded.success ? [] : describeIssues(worded.error, where);
}

function describeIssues(error: z.core.$ZodError, where: SourceNamer): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // A setting bmeter does not know can only come from the config file: named there, key by key.
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${where([...path, key])}: not a setting bmeter knows (see config.example.json)`);
    // Never echo the offending value (issue-words.ts: a number out of range only): it may be a secret.
    return [`${path.length > 0 ? where(path) : '(top level)'}: ${issue.message}`];
  });
}

function readConfigFile(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  cwd: string,
  warn?: (message: string) => void,
): { object: Record<string, unknown>; path: string | undefined } {
  const named = stringOf(flags['config']) ?? nonEmpty(env['BMETER_CONFIG']);
  const path = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (named === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return { object: {}, path: undefined };
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new BmeterError('CONFIG', `config file ${path} is a folder: name a file (--config or BMETER_CONFIG)`, {
        cause: err,
      });
    }
    throw new BmeterError('CONFIG', `cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BmeterError(
      'CONFIG',
      `config file ${path} is not valid JSON (${jsonFault(text, (err as Error).message)})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BmeterError('CONFIG', `config file ${path} must hold a JSON object`);
  }
  const object = withoutComments(parsed as Record<string, unknown>);
  const routeB = object['routeB'] as Record<string, unknown> | undefined;
  const mqtt = object['mqtt'] as Record<string, unknown> | undefined;
  const held = [
    routeB?.['id'] !== undefined && 'the Route-B ID',
    routeB?.['password'] !== undefined && 'the Route-B password',
    mqtt?.['password'] !== undefined && 'the MQTT password',
  ].filter((x) => x !== false);
  if (held.length > 0 && warn !== undefined) warnIfReadableByOthers(path, held.join(' and '), warn);
  return { object, path };
}

/**
 * JSON.parse's complaint without the text it quotes: V8 cites the offending token and the
 * characters around it, which may be the Route-B password (written without quotes). The place
 * is given as a line number instead.
 */
function jsonFault(text: string, message: string): string {
  const quoted = /, (?:\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON$/.exec(message)?.[1];
  const position = /at position (\d+)/.exec(message)?.[1];
  const at =
    position !== undefined ? Number(position) : quoted ? text.indexOf(quoted) + Math.floor(quoted.length / 2) : -1;
  const reason = message
    // Node 22+ (V8 12) adds "(line L column C)" after the position.
    .replace(/(?:,\s*(?:\.\.\.)?"[\s\S]*| in JSON at position \d+| at position \d+)(?: \(line \d+ column \d+\))?$/, '')
    .replace(/ token [\s\S]*$/, ' token');
  const where = at >= 0 ? ` at line ${text.slice(0, at).split('\n').length}` : '';
  return `${reason.charAt(0).toLowerCase()}${reason.slice(1)}${where}`;
}

/** Keys starting with `//` are comments (config.example.json explains every field that way). */
function withoutComments(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (key.startsWith('//')) continue;
    out[key] = isPlainObject(value) ? withoutComments(value) : value;
  }
  return out;
}

/** The ID is a secret too: its last 8 characters are the PairID that finds the meter. */
function warnIfReadableByOthers(path: string, what: string, warn: (message: string) => void): void {
  const mode = statSync(path).mode;
  if ((mode & 0o044) !== 0) {
    warn(`config file ${path} holds ${what} but is readable by group or others — run: chmod 600 ${path}`);
  }
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  setIfDefined(layer, 'port', nonEmpty(env['BMETER_PORT']));
  setIfDefined(layer, 'scanFile', nonEmpty(env['BMETER_SCAN_FILE']));
  setIfDefined(layer, 'logLevel', nonEmpty(env['BMETER_LOG_LEVEL']));
  const id = nonEmpty(env['BMETER_ROUTEB_ID']);
  const password = nonEmpty(env['BMETER_ROUTEB_PASSWORD']);
  if (id !== undefined || password !== undefined) {
    layer['routeB'] = { ...(id !== undefined && { id }), ...(password !== undefined && { password }) };
  }
  const mqtt: Record<string, unknown> = {};
  setIfDefined(mqtt, 'url', nonEmpty(env['BMETER_MQTT_URL']));
  setIfDefined(mqtt, 'username', nonEmpty(env['BMETER_MQTT_USERNAME']));
  setIfDefined(mqtt, 'password', nonEmpty(env['BMETER_MQTT_PASSWORD']));
  if (Object.keys(mqtt).length > 0) layer['mqtt'] = mqtt;
  return layer;
}

/** Maps command-line flags onto config paths; unknown flags belong to the command, not here. */
function fromFlags(flags: Record<string, unknown>): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  setIfDefined(layer, 'port', stringOf(flags['port']));
  setIfDefined(layer, 'scanFile', stringOf(flags['scanFile']));
  setIfDefined(layer, 'dialect', stringOf(flags['dialect']));
  setIfDefined(layer, 'logLevel', stringOf(flags['logLevel']));
  if (flags['setHexOutput'] === true) layer['setHexOutput'] = true;
  setIfDefined(layer, 'waitPortSeconds', numberOf(flags['waitPort']));
  const scan: Record<string, unknown> = {};
  setIfDefined(scan, 'minDuration', numberOf(flags['minDuration']));
  setIfDefined(scan, 'maxDuration', numberOf(flags['maxDuration']));
  if (Object.keys(scan).length > 0) layer['scan'] = scan;
  const mqttUrl = stringOf(flags['mqtt']);
  if (mqttUrl !== undefined) layer['mqtt'] = { url: mqttUrl };
  const meter: Record<string, unknown> = {};
  // --unit arrives parsed (cli/meter-options.ts parseUnitCode) as the E1 code number.
  if (typeof flags['unit'] === 'number') meter['unit'] = flags['unit'].toString(16).toUpperCase().padStart(2, '0');
  setIfDefined(meter, 'coefficient', numberOf(flags['coefficient']));
  setIfDefined(meter, 'digits', numberOf(flags['digits']));
  if (Object.keys(meter).length > 0) layer['meter'] = meter;
  const properties = stringOf(flags['properties']);
  if (properties !== undefined) {
    layer['poll'] = {
      properties: properties
        .split(',')
        .map((p) => p.trim().toUpperCase().replace(/^0X/, ''))
        .filter(Boolean),
    };
  }
  return layer;
}

/** Deep-merges plain objects, later layers winning. */
function mergeLayers(...layers: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const current = out[key];
      out[key] = isPlainObject(current) && isPlainObject(value) ? mergeLayers(current, value) : value;
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setIfDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** An environment value, or undefined when it is unset, empty or only blanks (as if unset). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Flags arrive as strings from commander; a non-number is passed on so zod names the field. */
function numberOf(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const n = Number(value);
  return Number.isFinite(n) && String(value).trim() !== '' ? n : value;
}
