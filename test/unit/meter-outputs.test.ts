/**
 * openMeterOutputs (src/cli/meter-outputs.ts), the outputs poll and serve tee their records into:
 * nothing without a broker, a metrics file or caller metrics; with caller metrics (serve's
 * /metrics) every record, failure and recovery reaches them.
 */
import { systemClock } from '../../src/time/clock.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { CliContext } from '../../src/cli/context.js';
import { openMeterOutputs } from '../../src/cli/meter-outputs.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { MeterMetrics } from '../../src/output/metrics/meter-metrics.js';
import { parseExposition, valueOf } from '../fixtures/prometheus-text.js';
import { READING } from '../fixtures/reading.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const SCAN_FILE = { version: 1, ...SIM_SCAN_RESULT };

function setUp(t: { after(fn: () => unknown): void }): { ctx: CliContext; config: ReturnType<typeof loadConfig> } {
  const dir = tempDirFor(t, 'bmeter-outputs-');
  writeFileSync(dir.file('bmeter.scan.json'), JSON.stringify(SCAN_FILE));
  const io = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: {},
    cwd: dir.path,
    stderrIsTTY: false,
  };
  const logger = createLogger({ level: 'silent' });
  const ctx: CliContext = {
    io,
    signal: new AbortController().signal,
    now: () => new Date(),
    clock: systemClock,
    logger: () => logger,
  };
  return { ctx, config: loadConfig({ flags: {}, env: {}, cwd: dir.path }) };
}

test('no broker, no metrics file, no caller metrics: no extra output and no hooks', async (t) => {
  const { ctx, config } = setUp(t);
  const outputs = await openMeterOutputs({}, config, ctx, ctx.logger());
  assert.equal(outputs.outputs.length, 0);
  assert.equal(outputs.onFailure, undefined);
  assert.equal(outputs.onRecovery, undefined);
});

test("serve's metrics get every record, failure and recovery step", async (t) => {
  const { ctx, config } = setUp(t);
  const metrics = new MeterMetrics({ meter: '001c640003de5a1b' });
  const outputs = await openMeterOutputs({}, config, ctx, ctx.logger(), { metrics });
  for (const output of outputs.outputs) await output.write(READING);
  outputs.onFailure?.('no answer');
  outputs.onRecovery?.('scan-channel');
  await outputs.close({ offline: true });
  const f = parseExposition(metrics.render(Date.parse('2026-11-30T20:04:15.601Z')));
  const m = { meter: '001c640003de5a1b' };
  assert.equal(valueOf(f, 'bmeter_power_watts', m), 236);
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'poll' }), 1);
  assert.equal(valueOf(f, 'bmeter_reading_failures_total', m), 1);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'scan-channel' }), 1);
  assert.equal(valueOf(f, 'bmeter_last_reading_age_seconds', m), 10);
});
