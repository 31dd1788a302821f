import { test } from 'node:test';
import { tempFoldersOfFile } from '../e2e/helpers/temp-dir.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { BmeterError } from '../../src/errors.js';
import { createSink } from '../../src/output/sink.js';

const COLUMNS = ['timestamp', 'power_w', 'note'] as const;

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const fresh = tempFoldersOfFile('bmeter-sink-');

test('json lines put the columns in order, nulls included, then the extra keys', async () => {
  const out = collect();
  const sink = await createSink({ format: 'json', columns: COLUMNS, stdout: out.stream });
  await sink.write({ source: 'poll', power_w: -524, timestamp: '2026-11-28T10:00:00.000+09:00' });
  assert.equal(
    out.text(),
    '{"timestamp":"2026-11-28T10:00:00.000+09:00","power_w":-524,"note":null,"source":"poll"}\n',
  );
});

test('csv writes a header for a new file, then one complete line per record, quoting where needed', async () => {
  const path = join(fresh(), 'out.csv');
  const first = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await first.write({ timestamp: 't1', power_w: 1192, note: 'a,"b"' });
  await first.close();
  const second = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await second.write({ timestamp: 't2', power_w: null, note: null });
  await second.close();
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w,note\nt1,1192,"a,""b"""\nt2,,\n');
});

test('csv writes no header when appending to a file that already has lines', async () => {
  const path = join(fresh(), 'out.csv');
  writeFileSync(path, 'timestamp,power_w,note\nt0,1,x\n');
  const sink = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await sink.write({ timestamp: 't1', power_w: 2, note: 'y' });
  await sink.close();
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w,note\nt0,1,x\nt1,2,y\n');
});

test('each record reaches the stream in a single write', async () => {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString());
      cb();
    },
  });
  const sink = await createSink({ format: 'csv', columns: COLUMNS, stdout: stream });
  await sink.write({ timestamp: 't1', power_w: 5, note: 'n' });
  await sink.write({ timestamp: 't2', power_w: 6, note: 'm' });
  assert.deepEqual(writes, ['timestamp,power_w,note\nt1,5,n\n', 't2,6,m\n']);
});

test('text output aligns labels and shows units, with a dash for missing values', async () => {
  const out = collect();
  const sink = await createSink({
    format: 'text',
    columns: ['timestamp', 'power_w', 'current_r_a'],
    stdout: out.stream,
    units: { power_w: 'W', current_r_a: 'A' },
  });
  await sink.write({ timestamp: '2026-11-28T10:00:00+09:00', power_w: 1192, current_r_a: null, source: 'poll' });
  assert.equal(out.text(), '2026-11-28T10:00:00+09:00 (poll)\n  power_w       1192   W\n  current_r_a  —\n');
});

test('a stdout that was closed by the reader (EPIPE) marks the sink closed instead of failing', async () => {
  const stream = new Writable({
    write(_chunk, _enc, cb) {
      const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      cb(err);
    },
  });
  const sink = await createSink({ format: 'json', columns: COLUMNS, stdout: stream });
  await sink.write({ timestamp: 't', power_w: 1, note: null });
  assert.equal(sink.closed, true);
  await sink.write({ timestamp: 't', power_w: 2, note: null }); // ignored, no throw
});

test(
  'an output file that cannot take the record is a runtime error naming the file (exit 1)',
  { skip: !existsSync('/dev/full') && 'needs /dev/full' },
  async () => {
    const sink = await createSink({
      format: 'csv',
      columns: COLUMNS,
      stdout: new PassThrough(),
      outputPath: '/dev/full',
    });
    try {
      await assert.rejects(sink.write({ timestamp: 't', power_w: 1, note: null }), (err: unknown) => {
        assert.ok(err instanceof BmeterError);
        assert.equal(err.exitCode, 1);
        assert.match(err.message, /cannot append to output file \/dev\/full: ENOSPC/);
        return true;
      });
    } finally {
      await sink.close();
    }
  },
);

test('text output lines up decimal points from one record to the next', async () => {
  const out = collect();
  const units = { power_w: 'W', energy_normal_kwh: 'kWh' };
  const sink = await createSink({
    format: 'text',
    columns: ['timestamp', 'power_w', 'energy_normal_kwh'],
    stdout: out.stream,
    units,
  });
  await sink.write({ timestamp: 't1', power_w: 1192, energy_normal_kwh: 12345 });
  await sink.write({ timestamp: 't2', power_w: -524, energy_normal_kwh: 12344.9 });
  assert.equal(
    out.text(),
    't1\n' +
      '  power_w             1192   W\n' +
      '  energy_normal_kwh  12345   kWh\n' +
      't2\n' +
      '  power_w             -524   W\n' +
      '  energy_normal_kwh  12344.9 kWh\n',
  );
});
