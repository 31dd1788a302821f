/**
 * Where a setting came from, for error messages (`BMETER_ROUTEB_ID`, `--port`, `routeB.id in
 * FILE`), and the start-time check of the Route-B credentials the stick would refuse.
 */
import { count } from '../log/count.js';

/** Names where a setting came from: `BMETER_ROUTEB_ID`, `--port`, or `routeB.id in FILE`. */
export type SourceNamer = (path: readonly string[]) => string;

const ENV_NAMES: Readonly<Record<string, string>> = {
  port: 'BMETER_PORT',
  scanFile: 'BMETER_SCAN_FILE',
  logLevel: 'BMETER_LOG_LEVEL',
  'routeB.id': 'BMETER_ROUTEB_ID',
  'routeB.password': 'BMETER_ROUTEB_PASSWORD',
  'mqtt.url': 'BMETER_MQTT_URL',
  'mqtt.username': 'BMETER_MQTT_USERNAME',
  'mqtt.password': 'BMETER_MQTT_PASSWORD',
};

const FLAG_NAMES: Readonly<Record<string, string>> = {
  port: '--port',
  scanFile: '--scan-file',
  dialect: '--dialect',
  logLevel: '--log-level',
  waitPortSeconds: '--wait-port',
  'scan.minDuration': '--min-duration',
  'scan.maxDuration': '--max-duration',
  'poll.properties': '--properties',
  'meter.unit': '--unit',
  'meter.coefficient': '--coefficient',
  'meter.digits': '--digits',
  'mqtt.url': '--mqtt',
};

/**
 * The namer for one load: a path set by a flag names the flag, one set by the environment names
 * the variable, anything else the config file (or the bare path when there is no file).
 */
export function sourceNamer(
  envLayer: Record<string, unknown>,
  flagLayer: Record<string, unknown>,
  file: string | undefined,
): SourceNamer {
  return (path) => {
    const dotted = path.join('.');
    const top = [path[0] ?? '', path[1] ?? ''];
    for (const [layer, names] of [
      [flagLayer, FLAG_NAMES],
      [envLayer, ENV_NAMES],
    ] as const) {
      const name = names[dotted] ?? names[top.join('.')] ?? names[top[0] ?? ''];
      if (name !== undefined && valueAt(layer, path.slice(0, 2)) !== undefined) return `${name} (${dotted})`;
    }
    return file === undefined ? dotted : `${dotted} in ${file}`;
  };
}

function valueAt(object: Record<string, unknown>, path: readonly string[]): unknown {
  let at: unknown = object;
  for (const key of path) at = isPlainObject(at) ? at[key] : undefined;
  return at;
}

/**
 * The Route-B ID and password as the stick takes them (SKSETRBID: 32 printable ASCII characters;
 * SKSETPWD: 1–32, no spaces), checked at start so a bad one ends the run at once (exit 2) rather
 * than failing every join. The message names where the value came from and what is wrong with
 * it, never the value. Returns one line per fault, and removes the faulty values from `merged`.
 */
export function credentialProblems(merged: Record<string, unknown>, where: SourceNamer): string[] {
  const routeB = merged['routeB'];
  if (!isPlainObject(routeB)) return [];
  const problems: string[] = [];
  const id = routeB['id'];
  if (typeof id === 'string') {
    const fault = characterFault(id) ?? (id.length !== 32 ? `${count(id.length, 'character')}, needs 32` : undefined);
    if (fault !== undefined) {
      problems.push(`${where(['routeB', 'id'])}: ${fault} (the Route-B ID from the power company)`);
      delete routeB['id']; // judged here; the schema judges the rest
    }
  }
  const password = routeB['password'];
  if (typeof password === 'string') {
    const fault =
      characterFault(password) ?? (password.length > 32 ? `${password.length} characters, at most 32` : undefined);
    if (fault !== undefined) {
      problems.push(
        `${where(['routeB', 'password'])}: ${fault} (the Route-B password, 12 characters from the power company)`,
      );
      delete routeB['password'];
    }
  }
  return problems;
}

/**
 * A Route-B password the stick takes but no power company issues: theirs are 12 characters
 * (docs/protocol.md §3.5). Not refused (the stick takes 1–32), but said before a join that would
 * end in EVENT 24 after its 40 s; names the source and the length, never the value.
 */
export function credentialWarnings(merged: Record<string, unknown>, where: SourceNamer): string[] {
  const routeB = merged['routeB'];
  const password = isPlainObject(routeB) ? routeB['password'] : undefined;
  if (typeof password !== 'string' || password.length === 12) return [];
  return [
    `${where(['routeB', 'password'])} has ${count(password.length, 'character')}, where the Route-B password from the power ` +
      'company has 12: check it if the join fails (EVENT 24)',
  ];
}

/** What the stick would refuse in a credential: a space, or a character outside printable ASCII. */
function characterFault(value: string): string | undefined {
  if (/\s/.test(value)) return 'holds a space or other blank (the stick takes none)';
  if (!/^[\x21-\x7e]*$/.test(value))
    return 'holds a character that is not printable ASCII (the stick takes only those)';
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
