import { test } from 'node:test';
import { tempFoldersOfFile } from '../e2e/helpers/temp-dir.js';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { FileTarget } from '../../src/output/file-target.js';
import { smallTmpfs } from '../fixtures/small-tmpfs.js';
import { createSink } from '../../src/output/sink.js';

const COLUMNS = ['timestamp', 'power_w'] as const;
const fresh = tempFoldersOfFile('bmeter-out-');

test('a record that does not fit on a full disk is removed again and the file keeps its complete lines', async (t) => {
  const disk = smallTmpfs(t, 8, 'the fault-injecting handle test covers the logic');
  if (typeof disk === 'string') return t.skip(disk);
  const path = join(disk.dir, 'out.csv');
  const before = `timestamp,power_w\n${'x'.repeat(8192 - 18 - 30)}\n`; // 30 bytes free of 8 KiB
  writeFileSync(path, before);
  const sink = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await assert.rejects(
    sink.write({ timestamp: '2026-11-28T10:00:00.000+09:00', power_w: 1192 }),
    (err: Error) => err.message.includes(path) && err.message.includes('the partial record was removed'),
  );
  await sink.close();
  assert.equal(readFileSync(path, 'utf8'), before);
  // The next run, with room again, appends a whole line after the last complete one.
  writeFileSync(path, 'timestamp,power_w\nt0,1\n');
  const next = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await next.write({ timestamp: 't1', power_w: 2 });
  await next.close();
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w\nt0,1\nt1,2\n');
});

test('a short write is truncated back to the size before the append and reported', async () => {
  const path = join(fresh(), 'out.csv');
  writeFileSync(path, 'timestamp,power_w\nt0,1\n');
  // A handle whose write lands 5 bytes and then reports success for those only (as write(2) does on a full disk).
  const openFile = async (p: string): Promise<FileHandle> => {
    const real = await open(p, 'a+', 0o644);
    return new Proxy(real, {
      get(target, key) {
        if (key === 'write') {
          return async (buf: Buffer) => {
            const r = await target.write(buf, 0, 5);
            return { bytesWritten: r.bytesWritten, buffer: buf };
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  const file = await FileTarget.open(path, { openFile });
  await assert.rejects(
    file.append(() => 't1,1192\n'),
    /only 5 of 8 bytes were written \(disk full\?\); the partial record was removed/,
  );
  await file.close();
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w\nt0,1\n');
});

test('a file torn in the middle of a line gets a newline before the next record, and says so', async () => {
  const path = join(fresh(), 'out.csv');
  writeFileSync(path, 'timestamp,power_w\nt0,1\nt1,11'); // torn by an earlier full disk
  const notices: string[] = [];
  const sink = await createSink({
    format: 'csv',
    columns: COLUMNS,
    outputPath: path,
    stdout: new PassThrough(),
    notice: (m, level) => notices.push(`${level}: ${m}`),
  });
  await sink.write({ timestamp: 't2', power_w: 3 });
  await sink.write({ timestamp: 't3', power_w: 4 });
  await sink.close();
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w\nt0,1\nt1,11\nt2,3\nt3,4\n');
  assert.equal(notices.length, 1);
  assert.match(notices[0] ?? '', /^warn: output file .* did not end with a newline/);
});

test('a file whose lines end in CR LF (saved on Windows) gets its records with CR LF too', async () => {
  const path = join(fresh(), 'out.csv');
  writeFileSync(path, 'timestamp,power_w\r\nt0,1\r\n');
  const sink = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await sink.write({ timestamp: 't1', power_w: 2 });
  await sink.write({ timestamp: 't2', power_w: 3 });
  await sink.close();
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w\r\nt0,1\r\nt1,2\r\nt2,3\r\n');
});

test('two runs that open the same new CSV file before either writes put one header in it', async () => {
  const path = join(fresh(), 'out.csv');
  const a = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  const b = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await Promise.all([a.write({ timestamp: 'ta', power_w: 1 }), b.write({ timestamp: 'tb', power_w: 2 })]);
  await Promise.all([a.close(), b.close()]);
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.filter((l) => l === 'timestamp,power_w').length, 1);
  assert.equal(lines[0], 'timestamp,power_w');
  assert.deepEqual(lines.slice(1).sort(), ['', 'ta,1', 'tb,2']);
});

test('after the output file is renamed away the next record goes to a new file of that name, with its header', async () => {
  const dir = fresh();
  const path = join(dir, 'out.csv');
  const notices: string[] = [];
  const sink = await createSink({
    format: 'csv',
    columns: COLUMNS,
    outputPath: path,
    stdout: new PassThrough(),
    notice: (m, level) => notices.push(`${level}: ${m}`),
  });
  await sink.write({ timestamp: 't1', power_w: 1 });
  renameSync(path, `${path}.1`); // logrotate
  await sink.write({ timestamp: 't2', power_w: 2 });
  unlinkSync(path); // deleted
  await sink.write({ timestamp: 't3', power_w: 3 });
  await sink.close();
  assert.equal(readFileSync(`${path}.1`, 'utf8'), 'timestamp,power_w\nt1,1\n');
  assert.equal(readFileSync(path, 'utf8'), 'timestamp,power_w\nt3,3\n');
  assert.deepEqual(notices, [
    `info: reopened output file ${path} (it was moved or deleted)`,
    `info: reopened output file ${path} (it was moved or deleted)`,
  ]);
});

test('reopen (SIGHUP) opens the file by name again before the next record', async () => {
  const path = join(fresh(), 'out.jsonl');
  const notices: string[] = [];
  const sink = await createSink({
    format: 'json',
    columns: COLUMNS,
    outputPath: path,
    stdout: new PassThrough(),
    notice: (m, level) => notices.push(`${level}: ${m}`),
  });
  await sink.write({ timestamp: 't1', power_w: 1 });
  sink.reopen();
  await sink.write({ timestamp: 't2', power_w: 2 });
  await sink.close();
  assert.equal(readFileSync(path, 'utf8'), '{"timestamp":"t1","power_w":1}\n{"timestamp":"t2","power_w":2}\n');
  assert.deepEqual(notices, [`info: reopened output file ${path} (on SIGHUP)`]);
});

test('an output file in a folder that does not exist is a usage error naming it', async () => {
  const path = join(fresh(), 'missing', 'out.csv');
  await assert.rejects(
    createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() }),
    (err: Error & { exitCode?: number }) =>
      err.message.startsWith(`cannot open output file ${path}`) && err.exitCode === 2,
  );
});

test('the lock beside the output file is gone after the append', async () => {
  const dir = fresh();
  const path = join(dir, 'out.csv');
  const sink = await createSink({ format: 'csv', columns: COLUMNS, outputPath: path, stdout: new PassThrough() });
  await sink.write({ timestamp: 't1', power_w: 1 });
  await sink.close();
  assert.throws(() => statSync(`${path}.lock`), /ENOENT/);
});

test('a file the run made and wrote no record to is removed again on close; a file that was there is kept', async () => {
  const dir = fresh();
  const made = join(dir, 'new.csv');
  const unwritten = await FileTarget.open(made);
  assert.equal(statSync(made).size, 0, 'opening makes the file (a bad path fails at start)');
  await unwritten.close();
  assert.throws(() => statSync(made), /ENOENT/, 'a run refused or stopped before its first record leaves no file');

  const written = await FileTarget.open(made);
  await written.append(() => 'timestamp,power_w\nt0,1\n');
  await written.close();
  assert.equal(readFileSync(made, 'utf8'), 'timestamp,power_w\nt0,1\n');

  const before = join(dir, 'empty-before.csv');
  writeFileSync(before, '');
  await (await FileTarget.open(before)).close();
  assert.equal(readFileSync(before, 'utf8'), '', "an empty file that was there is the user's: kept");
});
