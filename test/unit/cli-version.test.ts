import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/cli/version.js';
import { repoPath } from '../fixtures/repo-root.js';

test('the version the CLI prints is the one in package.json', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});
