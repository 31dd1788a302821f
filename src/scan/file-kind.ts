/**
 * What a file named as the scan file holds, judged from its text: the one rule of what `bmeter scan` will
 * replace (scan-file.ts) and of the advice `poll`, `history` and `serve` give about a scan file they cannot
 * read, so the two never disagree.
 */

/**
 * - `empty`: nothing, or only blanks;
 * - `scan`: a JSON object of scan-file keys only (valid or not), or one of a later bmeter (a `version` and a
 *   `scannedAt` among other keys);
 * - `cut-short`: not JSON, but beginning as bmeter writes a scan file (`{ "version":`);
 * - `other`: anything else (notes, a CSV, another program's JSON), with `what`: how a message shows it
 *   (`its first line is "a,b"`, `a JSON object with the keys "name", "version", …`), never its values.
 *   bmeter scan leaves such a file as it is.
 */
export type ScanFileKind =
  { kind: 'empty' | 'cut-short' } | { kind: 'scan'; object: Record<string, unknown> } | { kind: 'other'; what: string };

/** The keys of a scan file (scan-file.ts toScanFile), any version so far. */
const SCAN_FILE_KEYS: ReadonlySet<string> = new Set([
  'version',
  'scannedAt',
  'dialect',
  'firmware',
  'channel',
  'channelHex',
  'channelPage',
  'panId',
  'macAddress',
  'ipv6',
  'lqi',
  'rssiDbm',
  'pairId',
]);

/** What `text` (the file's text, or its first 64 KiB) holds; `parsed`: the text already parsed as JSON, if it is. */
export function scanFileKind(text: string, parsed?: { value: unknown }): ScanFileKind {
  const content = text.trimStart();
  if (content === '') return { kind: 'empty' };
  const object = parsed !== undefined ? asObject(parsed.value) : jsonObject(content);
  if (object === undefined) {
    // Text starting with `{` that is no JSON object is no JSON at all.
    if (/^\{\s*"version"\s*:/.test(content)) return { kind: 'cut-short' };
    return { kind: 'other', what: `its first line is ${JSON.stringify((content.split('\n')[0] ?? '').slice(0, 60))}` };
  }
  if (isScanObject(object)) return { kind: 'scan', object };
  return { kind: 'other', what: `a JSON object with ${shownKeys(object)}` };
}

/** `text` parsed when it is a JSON object, else undefined. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The first keys of `object`, quoted: `the keys "name", "version", "description", …`. */
function shownKeys(object: Record<string, unknown>): string {
  const keys = Object.keys(object);
  return `the key${keys.length === 1 ? '' : 's'} ${keys
    .slice(0, 3)
    .map((k) => JSON.stringify(k))
    .join(', ')}${keys.length > 3 ? ', …' : ''}`;
}

/** A scan file's object: only scan-file keys, or a later version's (a version and a scannedAt). */
function isScanObject(object: Record<string, unknown>): boolean {
  const keys = Object.keys(object);
  return keys.every((k) => SCAN_FILE_KEYS.has(k)) || ('version' in object && 'scannedAt' in object);
}
