/**
 * Meters that leave E1 (energy unit), D3 (coefficient) or D7 (digits) out of their answers
 * (real Toshiba, Mitsubishi, Hitachi meters): the user's --unit/--coefficient/--digits (or the
 * config file's meter.*) fill the gap; without them bmeter warns once naming the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { decodeFrame } from '../../src/echonet/frame.js';
import { createLogger } from '../../src/log/logger.js';
import { fillContext } from '../../src/meter/energy-fallback.js';
import { ReadingContext } from '../../src/poll/reading-context.js';
import { lastSlotStart } from '../../src/history/since.js';
import { runProgram } from '../fixtures/run-program.js';

const frame = (hex: string) => decodeFrame(Buffer.from(hex.replace(/ /g, ''), 'hex'));
const AT = new Date('2024-05-01T09:30:00.000+09:00');

/** Get_SNA: E0 = 0x0000123C (4668), D3, D7 and E1 with PDC 0 (not given). */
const NO_CONTEXT = '1081 0001 028801 05FF01 52 04 E0 04 0000123C D3 00 D7 00 E1 00';

function logLines(): { logger: ReturnType<typeof createLogger>; warnings: () => string[] } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const logger = createLogger({ level: 'warn', destination: out });
  return {
    logger,
    warnings: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
  };
}

test('E0 0x123C from a meter without E1 is 466.8 kWh with --unit 01', () => {
  const log = logLines();
  const ctx = new ReadingContext(
    log.logger,
    () => AT,
    () => undefined,
    { unitCode: 0x01 },
  );
  const reading = ctx.reading(frame(NO_CONTEXT), [0xe0]);
  assert.equal(reading.energy_normal_kwh, 466.8);
});

test('a meter without E1 and no --unit warns once, naming the option, and leaves kWh empty', () => {
  const log = logLines();
  const ctx = new ReadingContext(
    log.logger,
    () => AT,
    () => undefined,
  );
  const first = ctx.reading(frame(NO_CONTEXT), [0xe0]);
  ctx.reading(frame(NO_CONTEXT), [0xe0]);
  assert.equal(first.energy_normal_kwh, null);
  const unitWarnings = log.warnings().filter((m) => m.includes('E1'));
  assert.equal(unitWarnings.length, 1);
  assert.match(unitWarnings[0] ?? '', /--unit <E1 code> \(meter\.unit in the config file\)/);
  assert.equal(log.warnings().filter((m) => m.includes('(D3)')).length, 1, 'D3 too, once');
  assert.match(log.warnings().find((m) => m.includes('(D3)')) ?? '', /using 1 — set --coefficient <n>/);
});

test("--coefficient 10 multiplies a meter without D3, and the meter's own E1/D3/D7 win over the settings", () => {
  assert.deepEqual(fillContext({}, [0xe1, 0xd3, 0xd7], { unitCode: 2, coefficient: 10, digits: 6 }).ctx, {
    unitCode: 2,
    coefficient: 10,
    digits: 6,
  });
  assert.deepEqual(
    fillContext({ unitCode: 1, coefficient: 1, digits: 8 }, [], { unitCode: 2, coefficient: 10, digits: 6 }).ctx,
    { unitCode: 1, coefficient: 1, digits: 8 },
  );
  const log = logLines();
  const ctx = new ReadingContext(
    log.logger,
    () => AT,
    () => undefined,
    { unitCode: 0x01, coefficient: 10 },
  );
  assert.equal(ctx.reading(frame(NO_CONTEXT), [0xe0]).energy_normal_kwh, 4668);
  assert.deepEqual(log.warnings(), []);
});

test('--since auto does not count rows without kWh (or a torn last line) as fetched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-since-'));
  try {
    const csv = join(dir, 'h.csv');
    writeFileSync(
      csv,
      'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh\n' +
        '2024-05-01T00:00:00+09:00,466.8,0,,\n' +
        '2024-05-01T00:30:00+09:00,,,,\n' +
        '2024-05-01T01:00:00+09:00,,,,\n' +
        '2024-05-01T01:30:00+09:00,467',
    );
    assert.equal(await lastSlotStart(csv, 'csv'), Date.parse('2024-04-30T15:00:00Z'));
    const json = join(dir, 'h.jsonl');
    writeFileSync(
      json,
      '{"slot_start":"2024-05-01T00:00:00+09:00","energy_normal_kwh":466.8}\n{"slot_start":"2024-05-01T00:30:00+09:00","energy_normal_kwh":null}\n',
    );
    assert.equal(await lastSlotStart(json, 'json'), Date.parse('2024-04-30T15:00:00Z'));
    const none = join(dir, 'none.csv');
    writeFileSync(
      none,
      'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh\n2024-05-01T00:30:00+09:00,,,,\n',
    );
    assert.equal(await lastSlotStart(none, 'csv'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The simulated meter at 466.8 kWh (raw 4668 = 0x123C in 0.1 kWh) that answers E1 with PDC 0.
const NO_E1_SIM = 'sim://?timeScale=0.001&initialKwh=466.8&clock=2024-05-01T12:00:00+09:00&faults=sna:E1';

async function scannedWith(simUrl: string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  const scan = await runProgram(['--port', '/dev/ttySIM0', 'scan'], { cwd, simUrl });
  assert.equal(scan.code, 0, scan.stderr);
  return cwd;
}

test('poll --unit 02 on a meter without E1 records the counter in 0.01 kWh: 46.68', async () => {
  const cwd = await scannedWith(NO_E1_SIM);
  try {
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--format', 'json', '--properties', 'E0', '--unit', '02'],
      { cwd, simUrl: NO_E1_SIM },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Record<string, unknown>)['energy_normal_kwh'], 46.68);
    assert.doesNotMatch(r.stderr, /E1/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('poll takes the unit from the config file (meter.unit) and says which option is missing without it', async () => {
  const cwd = await scannedWith(NO_E1_SIM);
  try {
    const without = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--format', 'json', '--properties', 'E0'], {
      cwd,
      simUrl: NO_E1_SIM,
    });
    assert.equal(without.code, 0, without.stderr);
    assert.equal((JSON.parse(without.stdout) as Record<string, unknown>)['energy_normal_kwh'], null);
    assert.match(without.stderr, /set --unit <E1 code> \(meter\.unit in the config file\)/);
    writeFileSync(join(cwd, 'bmeter.config.json'), JSON.stringify({ meter: { unit: '01' } }));
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--format', 'json', '--properties', 'E0'], {
      cwd,
      simUrl: NO_E1_SIM,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Record<string, unknown>)['energy_normal_kwh'], 466.8);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('history --unit 01 on a meter without E1 writes kWh; without it it warns naming --unit', async () => {
  const cwd = await scannedWith(NO_E1_SIM);
  try {
    const r = await runProgram(['--port', '/dev/ttySIM0', 'history', '--format', 'json', '--unit', '01'], {
      cwd,
      simUrl: NO_E1_SIM,
    });
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(rows.length > 0);
    assert.ok(
      rows.every((row) => typeof row['energy_normal_kwh'] === 'number'),
      r.stdout.slice(0, 300),
    );
    const without = await runProgram(['--port', '/dev/ttySIM0', 'history', '--format', 'json'], {
      cwd,
      simUrl: NO_E1_SIM,
    });
    assert.match(without.stderr, /set --unit <E1 code>/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('--unit with a code that is not in the E1 table is a usage error', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-cli-'));
  try {
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--unit', '05'], { cwd, simUrl: NO_E1_SIM });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /an E1 unit code is hex/);
    writeFileSync(join(cwd, 'bmeter.config.json'), JSON.stringify({ meter: { unit: '05' } }));
    const c = await runProgram(['--port', '/dev/ttySIM0', 'poll'], { cwd, simUrl: NO_E1_SIM });
    assert.equal(c.code, 2);
    assert.match(c.stderr, /meter\.unit/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
