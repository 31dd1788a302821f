/**
 * The scan file: what `bmeter scan` found, so `bmeter poll` can join without scanning again
 * (docs/protocol.md §6 step 7). JSON, version 1, written atomically (temp file + rename), mode 0600
 * whatever the umask: it holds the PairID (the last 8 characters of the Route-B ID, a secret).
 */
import { diskFault } from '../fs/disk-fault.js';
import { assertReplaceable } from '../fs/replaceable.js';
import { scanTempFileOf } from '../fs/siblings.js';
import { access, chmod, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { openToRead } from '../fs/open-to-read.js';
import { dirname } from 'node:path';
import { BmeterError } from '../errors.js';
import { channelToHex, macToLinkLocal, rssiFromLqi, type ScanResult } from './scan.js';
import { wordIssue } from '../config/issue-words.js';
import { quickCheckScanFile, SCAN_FILE_VERSION } from './file-check.js';
import { scanFileKind } from './file-kind.js';
import type { ScanFile } from './file-schema.js';

export { SCAN_FILE_VERSION, type ScanFile };

/**
 * Validates parsed JSON; BAD_SCAN_FILE says in one line what is wrong (the first bad and missing keys, by name)
 * and to scan again. A plainly valid file passes the zod-free check; zod (file-schema.ts) is loaded only for the
 * others.
 */
export async function parseScanFile(data: unknown, path: string): Promise<ScanFile> {
  const quick = quickCheckScanFile(data);
  if (quick !== undefined) return quick;
  const { scanFileSchema, describeIssues } = await import('./file-schema.js');
  const parsed = scanFileSchema.safeParse(data, { error: wordIssue });
  if (!parsed.success) {
    throw new BmeterError(
      'BAD_SCAN_FILE',
      `scan file ${path} ${describeIssues(parsed.error, data)}. Run \`bmeter scan\` again to rewrite it.`,
    );
  }
  return parsed.data;
}

/**
 * Reads and validates the scan file at `path`.
 * @throws BmeterError NO_SCAN_FILE when there is none; BAD_SCAN_FILE when it is a folder, not a regular file
 *   (a FIFO, a device), unreadable, empty, cut short, not a valid scan file, or not a scan file at all (each
 *   naming the file and what to do: `bmeter scan` again where scan would rewrite it, file-kind.ts; to check
 *   --scan-file where it would not)
 */
export async function readScanFile(path: string): Promise<ScanFile> {
  const text = await readScanText(path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // JSON.parse's message quotes the text, which may hold the PairID: not shown.
    const kind = scanFileKind(text);
    if (kind.kind === 'other') throw notAScanFile(path, kind.what);
    const what = kind.kind === 'empty' ? 'is empty' : 'is cut short (not valid JSON)';
    throw new BmeterError('BAD_SCAN_FILE', `scan file ${path} ${what}. Run \`bmeter scan\` again to rewrite it.`, {
      cause: err,
    });
  }
  const quick = quickCheckScanFile(data);
  if (quick !== undefined) return quick;
  const kind = scanFileKind(text, { value: data });
  if (kind.kind === 'other') throw notAScanFile(path, kind.what);
  return await parseScanFile(data, path);
}

/** A file `bmeter scan` would not replace: the advice is to check the path, not to scan again. */
function notAScanFile(path: string, what: string): BmeterError {
  return new BmeterError(
    'BAD_SCAN_FILE',
    `${path} is not a scan file (${what}): check --scan-file or BMETER_SCAN_FILE, or run \`bmeter scan\` with ` +
      'another --scan-file (it will not replace this file)',
  );
}

/** The text of the scan file at `path` (see readScanFile for what it throws). */
async function readScanText(path: string): Promise<string> {
  const where = '(--scan-file or BMETER_SCAN_FILE)';
  let handle;
  try {
    handle = await openToRead(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BmeterError('NO_SCAN_FILE', `no scan file at ${path} — run \`bmeter scan\` first`, { cause: err });
    }
    throw new BmeterError('BAD_SCAN_FILE', `cannot read scan file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory())
      throw new BmeterError('BAD_SCAN_FILE', `the scan file ${path} is a folder: name a file ${where}`);
    if (!info.isFile())
      throw new BmeterError(
        'BAD_SCAN_FILE',
        `the scan file ${path} is not a regular file (a FIFO or a device): name a file ${where}`,
      );
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof BmeterError) throw err;
    throw new BmeterError('BAD_SCAN_FILE', `cannot read scan file ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    await handle.close();
  }
}

/** The file content for a scan result (the key order is the documented one). */
export function toScanFile(result: ScanResult): ScanFile {
  return {
    version: SCAN_FILE_VERSION,
    scannedAt: result.scannedAt,
    dialect: result.dialect,
    firmware: result.firmware,
    channel: result.channel,
    channelHex: result.channelHex,
    channelPage: result.channelPage,
    panId: result.panId,
    macAddress: result.macAddress,
    ipv6: result.ipv6,
    lqi: result.lqi,
    rssiDbm: result.rssiDbm,
    pairId: result.pairId,
  };
}

/** Only the owner reads the scan file: it holds the PairID. */
export const SCAN_FILE_MODE = 0o600;

/**
 * Makes sure the scan file's folder exists and can be written, before a scan that takes half a
 * minute: a usage error (exit 2) naming the folder otherwise. Resolves with the first folder it made
 * (`mkdir -p`'s answer; undefined when the folder was there), for a failed scan to take back.
 */
export async function prepareScanFileFolder(path: string): Promise<string | undefined> {
  await assertReplaceable(path, 'the scan file');
  await assertScanOrEmpty(path);
  const dir = dirname(path);
  try {
    const made = await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return made;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new BmeterError(
      'CONFIG',
      `cannot write the scan file ${path}: folder ${dir} cannot be created or written (${code}) — choose another with --scan-file`,
      { cause: err },
    );
  }
}

/** How much of an existing file is read to tell whether it is a scan file (one is under 1 KB). */
const HEAD_BYTES = 64 * 1024;

/**
 * Resolves when `path` is missing, not a regular file (assertReplaceable judges those), or holds what a new scan
 * is there to replace (file-kind.ts: empty, a scan file even a damaged one, or one cut short). Throws BmeterError
 * USAGE (exit 2) for a file of anything else (notes, a CSV, the package.json or config file of another program),
 * which is the user's and is left as it is.
 */
async function assertScanOrEmpty(path: string): Promise<void> {
  let text: string;
  try {
    const handle = await openToRead(path);
    try {
      if (!(await handle.stat()).isFile()) return;
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      text = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return; // missing or unreadable: writing it reports what is wrong
  }
  const kind = scanFileKind(text);
  if (kind.kind !== 'other') return;
  const what = kind.what.startsWith('a JSON object') ? `${kind.what}, not a scan` : kind.what;
  throw new BmeterError(
    'USAGE',
    `the scan file ${path} holds something else (${what}): give another --scan-file, or move that file away`,
  );
}

/** Writes text to path atomically: a temp file in the same directory, then rename. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const { randomBytes } = await import('node:crypto'); // only when writing: a poll never needs crypto
  await prepareScanFileFolder(path);
  const temp = scanTempFileOf(path, process.pid, randomBytes(4).toString('hex'));
  try {
    await writeFile(temp, text, { mode: SCAN_FILE_MODE, flag: 'wx' });
    await chmod(temp, SCAN_FILE_MODE);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    const kept = 'the scan file there before, if any, is kept';
    throw (
      diskFault(err, 'the scan file', path, kept, 'free some space, or choose another with --scan-file') ??
      new BmeterError('CONFIG', `cannot write scan file ${path}: ${(err as Error).message}`, { cause: err })
    );
  }
}

/** Validates and writes the scan file; returns what was written. */
export async function writeScanFile(path: string, result: ScanResult | ScanFile): Promise<ScanFile> {
  const file = await parseScanFile(toScanFile(result), path);
  await writeAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/**
 * Merges changes into the existing scan file (e.g. after a rescan found the meter on another
 * channel) and rewrites it atomically. Derived fields follow their source unless given:
 * channel → channelHex, lqi → rssiDbm, macAddress → ipv6. A missing or unreadable file is
 * replaced by `changes` alone, which must then be complete; the merged content is validated
 * before anything is written.
 */
export async function updateScanFile(path: string, changes: Partial<ScanResult>): Promise<ScanFile> {
  let current: Partial<ScanFile> = {};
  try {
    current = await readScanFile(path);
  } catch (err) {
    if (!(err instanceof BmeterError && (err.code === 'NO_SCAN_FILE' || err.code === 'BAD_SCAN_FILE'))) throw err;
  }
  const derived: Partial<ScanResult> = {};
  if (changes.channel !== undefined) derived.channelHex = channelToHex(changes.channel);
  if (changes.lqi !== undefined) derived.rssiDbm = rssiFromLqi(changes.lqi);
  if (changes.macAddress !== undefined && /^[0-9A-F]{16}$/.test(changes.macAddress)) {
    derived.ipv6 = macToLinkLocal(changes.macAddress);
  }
  const merged = { ...current, ...derived, ...changes, version: SCAN_FILE_VERSION };
  const file = await parseScanFile(merged, path);
  await writeAtomically(path, `${JSON.stringify(toScanFile(file), null, 2)}\n`);
  return file;
}
