/**
 * How poll and serve report a metrics textfile they cannot write (src/cli/metrics-file-output.ts): an interval
 * run warns once when the file stops taking writes and once when it takes them again, trying at every reading
 * in between; a one-shot run says the fault once, as its result (or as one warning when the run failed anyway).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { metricsFileOutput } from '../../src/cli/metrics-file-output.js';
import { BmeterError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { MeterMetrics } from '../../src/output/metrics/meter-metrics.js';
import { parseExposition, valueOf } from '../fixtures/prometheus-text.js';
import { READING } from '../fixtures/reading.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const METER = '001c640003de5a1b';

function setUp(t: { after(fn: () => void): void }, oneShot: boolean) {
  const dir = tempDirFor(t, 'bmeter-textfile-out-');
  const lines: { msg: string; err?: string }[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (text: string) => void lines.push(JSON.parse(text) as { msg: string }) },
  });
  const path = dir.file('later/bmeter.prom'); // its folder is missing until the test makes it
  const file = metricsFileOutput(path, new MeterMetrics({ meter: METER }), () => Date.now(), logger, oneShot);
  return { dir, path, file, lines };
}

test('an interval run warns once while the textfile takes no writes, and once when it takes them again', async (t) => {
  const { dir, path, file, lines } = setUp(t, false);
  for (let i = 0; i < 3; i++) await file.output.write(READING);
  file.flush(); // a failed reading, meanwhile
  await file.requireWritten(); // never throws for an interval run
  assert.deepEqual(
    lines.map((l) => l.msg),
    [`cannot write the metrics file ${path}; it is tried again with each reading, which goes on meanwhile`],
  );
  assert.match(lines[0]?.err ?? '', /cannot write the metrics file .*later\/bmeter\.prom/);
  mkdirSync(dir.file('later'));
  await file.output.write({ ...READING, power_w: -512 });
  assert.equal(lines.at(-1)?.msg, `the metrics file ${path} takes writes again`);
  await file.close();
  assert.equal(lines.length, 2);
  const f = parseExposition(readFileSync(path, 'utf8'));
  assert.equal(valueOf(f, 'bmeter_power_watts', { meter: METER }), -512);
  assert.equal(valueOf(f, 'bmeter_readings_total', { meter: METER, source: 'poll' }), 4);
});

test('a one-shot run: its first fault is thrown once by requireWritten, with no warning before or after', async (t) => {
  const { file, lines } = setUp(t, true);
  await file.output.write(READING);
  file.flush();
  await assert.rejects(
    file.requireWritten(),
    (err: unknown) => err instanceof BmeterError && /cannot write the metrics file/.test(err.message),
  );
  await file.close();
  assert.deepEqual(lines, []);
});

test('a one-shot run that failed otherwise (no requireWritten) logs the textfile fault once as it closes', async (t) => {
  const { path, file, lines } = setUp(t, true);
  file.flush(); // the failed reading's count
  await file.close();
  assert.deepEqual(
    lines.map((l) => l.msg),
    [`cannot write the metrics file ${path}`],
  );
});
