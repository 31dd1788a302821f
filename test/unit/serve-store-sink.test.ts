/**
 * The store's reading sink when the store fails (disk full, read-only file): the run goes on,
 * records wait in memory (bounded) and are written in order once the store takes writes again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log/logger.js';
import { createStoreSink } from '../../src/serve/store-sink.js';

function rig(maxPending?: number) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } });
  const written: number[] = [];
  const committed: number[] = [];
  let failure: string | undefined;
  const sink = createStoreSink({
    path: '/var/lib/bmeter/bmeter.db',
    logger,
    what: 'reading',
    ...(maxPending !== undefined && { maxPending }),
    write: (record) => {
      if (failure !== undefined) throw new Error(failure);
      written.push(record['n'] as number);
    },
    onCommitted: (record) => {
      committed.push(record['n'] as number);
    },
  });
  return { sink, lines, written, committed, fail: (why: string | undefined) => (failure = why) };
}

test('a record is handed on only once the store has committed it', async () => {
  const r = rig();
  await r.sink.write({ n: 1 });
  assert.deepEqual(r.written, [1]);
  assert.deepEqual(r.committed, [1]);
  assert.equal(r.sink.pending, 0);
});

test('a full disk keeps the records in memory with one error naming the file, and they are written in order later', async () => {
  const r = rig();
  r.fail('database or disk is full');
  await r.sink.write({ n: 1 });
  await r.sink.write({ n: 2 });
  assert.equal(r.sink.pending, 2);
  assert.deepEqual(r.committed, []);
  const errors = r.lines.filter((l) => l.includes('"level":"error"'));
  assert.equal(errors.length, 1, 'one error per outage, not one per reading');
  assert.match(errors[0] ?? '', /cannot write to the store \/var\/lib\/bmeter\/bmeter\.db: database or disk is full/);

  r.fail(undefined);
  await r.sink.write({ n: 3 });
  assert.deepEqual(r.written, [1, 2, 3]);
  assert.deepEqual(r.committed, [1, 2, 3]);
  assert.equal(r.sink.pending, 0);
  assert.ok(r.lines.some((l) => l.includes('takes writes again')));
});

test('at most maxPending records wait; the oldest are dropped with a warning', async () => {
  const r = rig(2);
  r.fail('attempt to write a readonly database');
  for (const n of [1, 2, 3, 4]) await r.sink.write({ n });
  assert.equal(r.sink.pending, 2);
  r.fail(undefined);
  assert.equal(await r.sink.flush(), true);
  assert.deepEqual(r.written, [3, 4]);
  assert.ok(r.lines.some((l) => l.includes('2 readings were dropped meanwhile')));
});
