/**
 * decode's stdin reader (ReadlineParser in object mode, bounded): one chunk per line whatever the
 * chunking, CRLF or LF, and a line over the bound given as one OverlongLine in its place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { boundedLines, type OverlongLine } from '../../src/cli/stdin-lines.js';

async function collect(chunks: readonly string[], max: number): Promise<(string | OverlongLine)[]> {
  const input = new PassThrough();
  const out: (string | OverlongLine)[] = [];
  const reading = (async () => {
    for await (const line of boundedLines(input, max)) out.push(line);
  })();
  for (const c of chunks) input.write(c);
  input.end();
  await reading;
  return out;
}

test('each chunk is one line, however the input is split, with CRLF or LF', async () => {
  assert.deepEqual(await collect(['ab', 'c\r\nde', 'f\ng', 'h\n'], 10), ['abc', 'def', 'gh', '']);
});

test('a line of exactly the bound is kept; one byte more becomes an OverlongLine, also when it ends in the same chunk', async () => {
  assert.deepEqual(await collect(['12345\n'], 5), ['12345', '']);
  assert.deepEqual(await collect(['123456\nok\n'], 5), [{ overlongBytes: 6 }, 'ok', '']);
});

test('an endless line spread over many chunks is dropped as it grows and reported once with its length', async () => {
  assert.deepEqual(await collect(['aaaa', 'aaaa', 'aaaa', 'aa\nnext\n'], 5), [{ overlongBytes: 14 }, 'next', '']);
});
