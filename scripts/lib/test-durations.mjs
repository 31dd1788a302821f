// How long each test file took in the last run, kept between runs so that the next one can start the
// longest first and balance the shared processes (as Jest does with its cache). Kept in
// node_modules/.cache/bmeter/test-durations.json (node_modules/.cache is where tools keep such caches;
// a fresh clone has none, and the runner then goes by file size). Keys are test paths relative to the
// repository (test/e2e/poll.test.ts), values milliseconds.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The cache file of the checkout at `root` (ending in a path separator). */
export const durationsFile = (root) => `${root}node_modules/.cache/bmeter/test-durations.json`;

/** The durations of the last run (test path → ms); empty when there is no readable cache. */
export function readDurations(file) {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    return new Map(Object.entries(parsed).filter(([, ms]) => typeof ms === 'number' && ms >= 0));
  } catch {
    return new Map();
  }
}

/** Merges `measured` (test path → ms) into the cache file; a cache that cannot be written is skipped. */
export function writeDurations(file, measured) {
  const all = readDurations(file);
  for (const [path, ms] of measured) all.set(path, Math.round(ms));
  const sorted = Object.fromEntries([...all].sort(([a], [b]) => a.localeCompare(b)));
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // a read-only node_modules only costs the next run its ordering
  }
}
