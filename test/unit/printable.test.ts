/**
 * Control characters a message quotes from its input are written escaped on stderr (src/log/printable.ts):
 * by the error line every command ends with, and by `decode` for each line it cannot read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportError } from '../../src/cli/main.js';
import { BmeterError } from '../../src/errors.js';
import { printable } from '../../src/log/printable.js';
import { memoryStream } from '../fixtures/memory-stream.js';

test('control characters become \\u escapes; tab, line feed and other text stay', () => {
  assert.equal(printable('a\u001b[2Jb\u0007c\rd\u007f'), 'a\\u001b[2Jb\\u0007c\\u000dd\\u007f');
  assert.equal(printable('tab\there\nnext línea 電力'), 'tab\there\nnext línea 電力');
});

test('the error line of a command shows the escape of its input, not the raw byte', () => {
  const err = memoryStream();
  const code = reportError(new BmeterError('USAGE', '--since "\u001b]0;pwned\u0007" is not a time'), err.stream);
  assert.equal(code, 2);
  assert.equal(err.text(), 'bmeter: --since "\\u001b]0;pwned\\u0007" is not a time\n');
});
