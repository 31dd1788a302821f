/**
 * What tells the build a bundle of dist/ is up to date (scripts/lib/bundle-inputs.mjs): its inputs hash,
 * read back only while the bundle and its V8 code cache are whole and the bundle is as the build wrote it, so a
 * damaged cache or a bundle changed by hand is made again.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { repoPath } from '../fixtures/repo-root.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const { builtFrom, inputsHash } = (await import(repoPath('scripts', 'lib', 'bundle-inputs.mjs'))) as {
  builtFrom(target: string): string | undefined;
  inputsHash(root: string, text: string, files: string[]): string | undefined;
};
const { makeCodeCache } = createRequire(import.meta.url)(repoPath('bin', 'load-bundle.js')) as {
  makeCodeCache(filename: string, source: string): Promise<Buffer>;
};

test('the inputs hash of a whole bundle and cache is read back; a damaged cache or bundle reads as not built', async (t) => {
  const dir = tempDirFor(t, 'bmeter-inputs-');
  const root = `${repoPath()}/`;
  const inputs = inputsHash(root, 'exports.x = 1;', []);
  assert.match(inputs ?? '', /^[0-9a-f]{32}$/);
  assert.notEqual(inputsHash(root, 'exports.x = 2;', []), inputs, 'another text, another hash');
  assert.equal(inputsHash(root, 'exports.x = 1;', ['no/such/file']), undefined, 'an unreadable input');

  const file = dir.file('b.cjs');
  const body = `exports.x = 1;\n// bmeter-inputs: ${inputs}\n`;
  // The key is the hash of what is above its line, as bundle.mjs writes it.
  const source = `${body}// bmeter-cache-key: ${createHash('sha256').update(body).digest('hex').slice(0, 32)}\n`;
  writeFileSync(file, source);
  assert.equal(builtFrom(file), undefined, 'no cache yet');
  writeFileSync(`${file}.cache`, await makeCodeCache(file, source));
  assert.equal(builtFrom(file), inputs);
  const cache = readFileSync(`${file}.cache`);
  writeFileSync(`${file}.cache`, cache.subarray(0, cache.length - 100));
  assert.equal(builtFrom(file), undefined, 'a cache cut short is made again');
  writeFileSync(`${file}.cache`, cache);
  writeFileSync(file, source.replace('exports.x = 1;', 'exports.x = 2;'));
  assert.equal(builtFrom(file), undefined, 'a bundle changed by hand (same length, same last lines) is made again');
  writeFileSync(file, source.slice(0, -10));
  assert.equal(builtFrom(file), undefined, 'a bundle cut short is made again');
});
