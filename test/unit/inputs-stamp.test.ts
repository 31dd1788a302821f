/**
 * The stamp that lets `npm run build` and the test runner skip a step whose inputs have not changed
 * (scripts/lib/inputs-stamp.mjs): any change of an input's or an output's bytes, name or presence gives another
 * stamp, and a step only counts as done once its stamp is written.
 */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { repoPath } from '../fixtures/repo-root.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const stamps = (await import(repoPath('scripts', 'lib', 'inputs-stamp.mjs'))) as {
  inputsStamp(root: string, dirs: string[], files?: string[]): string | undefined;
  outputsStamp(dir: string, skip?: string[]): string;
  stampMatches(stampFile: string, stamp: string | undefined): boolean;
  clearStamp(stampFile: string): void;
  writeStamp(stampFile: string, stamp: string | undefined): void;
};

test('the stamp changes with a file’s bytes, its name, a new or a removed file, and a single input file', (t) => {
  const dir = tempDirFor(t, 'bmeter-stamp-');
  const root = `${dir.path}/`;
  mkdirSync(dir.file('src/sub'), { recursive: true });
  writeFileSync(dir.file('src/a.ts'), 'export const a = 1;\n');
  writeFileSync(dir.file('src/sub/b.ts'), 'export const b = 2;\n');
  writeFileSync(dir.file('package.json'), '{}\n');
  const stamp = () => stamps.inputsStamp(root, ['src'], ['package.json']);

  const first = stamp();
  assert.match(first ?? '', /^[0-9a-f]{32}$/);
  assert.equal(stamp(), first, 'the same inputs, the same stamp');
  const seen = new Set([first]);
  const changed = (what: string): void => {
    const now = stamp();
    assert.ok(now !== undefined && !seen.has(now), `${what} gives a new stamp`);
    seen.add(now);
  };
  writeFileSync(dir.file('src/a.ts'), 'export const a = 3;\n');
  changed('other bytes');
  renameSync(dir.file('src/sub/b.ts'), dir.file('src/sub/c.ts'));
  changed('a renamed file');
  writeFileSync(dir.file('src/d.ts'), '');
  changed('a new empty file');
  rmSync(dir.file('src/d.ts'));
  writeFileSync(dir.file('package.json'), '{"x":1}\n');
  changed('a changed single input');
  rmSync(dir.file('package.json'));
  assert.equal(stamp(), undefined, 'a missing input: no stamp, the step runs');
});

test('a step counts as done only from the stamp written after it; a cleared or other stamp does not match', (t) => {
  const dir = tempDirFor(t, 'bmeter-stamp-');
  const file = dir.file('.inputs');
  const stamp = '0123456789abcdef0123456789abcdef';
  assert.equal(stamps.stampMatches(file, stamp), false, 'no stamp file yet');
  stamps.writeStamp(file, stamp);
  assert.equal(stamps.stampMatches(file, stamp), true);
  assert.equal(stamps.stampMatches(file, 'fedcba9876543210fedcba9876543210'), false, 'other inputs');
  assert.equal(stamps.stampMatches(file, undefined), false, 'unknown inputs never match');
  stamps.clearStamp(file);
  assert.equal(stamps.stampMatches(file, stamp), false, 'cleared before a step runs');
  stamps.writeStamp(file, undefined);
  assert.equal(stamps.stampMatches(file, stamp), false, 'an unknown stamp writes none');
});

test('the outputs stamp changes when an output is cut short, removed or added, not when a skipped one changes', (t) => {
  const dir = tempDirFor(t, 'bmeter-stamp-');
  mkdirSync(dir.file('out/web'), { recursive: true });
  mkdirSync(dir.file('out/scans'));
  writeFileSync(dir.file('out/web/index.html'), '<!doctype html>\n');
  writeFileSync(dir.file('out/main.js'), 'export {};\n');
  const stamp = () => stamps.outputsStamp(dir.file('out'), ['.inputs', 'scans']);

  const first = stamp();
  assert.match(first, /^[0-9a-f]{32}$/);
  writeFileSync(dir.file('out/.inputs'), 'a stamp\n');
  writeFileSync(dir.file('out/scans/one.json'), '{}\n');
  assert.equal(stamp(), first, 'the stamp file and what later runs write there are not outputs');
  writeFileSync(dir.file('out/web/index.html'), '');
  const cut = stamp();
  assert.notEqual(cut, first, 'an output cut short');
  rmSync(dir.file('out/web/index.html'));
  assert.ok(![first, cut].includes(stamp()), 'an output removed');
  writeFileSync(dir.file('out/web/index.html'), '<!doctype html>\n');
  assert.equal(stamp(), first, 'put back as it was');
  writeFileSync(dir.file('out/extra.js'), '');
  assert.notEqual(stamp(), first, 'an output added');
  assert.match(stamps.outputsStamp(dir.file('none')), /^[0-9a-f]{32}$/, 'no outputs yet: the empty stamp');
});
