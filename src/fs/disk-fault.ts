/**
 * A write that began and could not finish because of the disk (full, over quota, a file too large for it, an
 * I/O error) is a fault of the machine, not of what the user typed: exit 1 (WRITE_FAILED), like a meter
 * that does not answer, not exit 2 (usage). Every file bmeter writes whole (the scan file, the metrics
 * textfile, a chart) tells these apart with the words here.
 */
import { BmeterError } from '../errors.js';

/** The disk faults a write can meet, by errno code, in words. */
export const DISK_FAULTS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for this file system',
  EIO: 'an I/O error on the device',
};

/**
 * BmeterError WRITE_FAILED (exit 1) `cannot write <what> <path>: <fault> (<code>); <kept> — <todo>` when `err`
 * is a disk fault, else undefined (the caller reports it as it did). `kept` says what became of the file before.
 */
export function diskFault(
  err: unknown,
  what: string,
  path: string,
  kept: string,
  todo: string,
): BmeterError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const fault = code === undefined ? undefined : DISK_FAULTS[code];
  if (fault === undefined) return undefined;
  return new BmeterError('WRITE_FAILED', `cannot write ${what} ${path}: ${fault} (${code}); ${kept} — ${todo}`, {
    cause: err,
  });
}
