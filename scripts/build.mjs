#!/usr/bin/env node
// `npm run build` (also `npm test`'s pretest and `npm install`'s prepare): the three steps in one node
// process, one after another — src → dist (transpile.mjs), the CLI bundle (bundle.mjs), the dashboard
// (build-web.mjs). Each step is a script that does its work when imported.
//
// A build whose inputs (src/, scripts/, bin/, package.json, tsconfig.json, the installed packages, this Node)
// are those of the last build that ended well, and whose outputs are as that build left them, does nothing:
// dist/.build-inputs holds that build's stamp (lib/inputs-stamp.mjs). `npm test` builds before every run,
// and the three steps cost ~0.7 s of wall time even when they change nothing. Delete dist/ to build from
// scratch.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtFrom } from './lib/bundle-inputs.mjs';
import { clearStamp, inputsStamp, outputsStamp, stampMatches, writeStamp } from './lib/inputs-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = `${root}dist/.build-inputs`;
const BUNDLES = ['bmeter.cjs', 'mqtt.cjs', 'serialport.cjs', 'charts.cjs'];
const inputs = inputsStamp(
  root,
  ['src', 'scripts', 'bin'],
  ['package.json', 'tsconfig.json', 'node_modules/.package-lock.json'],
);
/** The stamp of these inputs and of dist/ as it is now (undefined when an input cannot be read). */
const stamp = () => inputs && `${inputs} ${outputsStamp(`${root}dist`, ['.build-inputs'])}`;

/** Every bundle with its whole code cache (a damaged one is made again), the dashboard, the CLI entry. */
const whole = () =>
  BUNDLES.every((file) => builtFrom(`${root}dist/${file}`) !== undefined) &&
  existsSync(`${root}dist/web/index.html`) &&
  existsSync(`${root}dist/cli/main.js`);

if (stampMatches(STAMP, stamp()) && whole()) {
  console.error('build: dist/ is up to date with its sources');
} else {
  clearStamp(STAMP);
  removeLeftTemps();
  await import('./transpile.mjs');
  await import('./bundle.mjs');
  await import('./build-web.mjs');
  writeStamp(STAMP, stamp());
}

/**
 * Removes the `<file>.<pid>.tmp` files (bundle.mjs writes each output beside its target, then renames it) that
 * a build cut short left in dist/; those of a build still running (its pid alive) stay.
 */
function removeLeftTemps() {
  let names = [];
  try {
    names = readdirSync(`${root}dist`);
  } catch {
    return; // no dist/ yet
  }
  for (const name of names) {
    const pid = /\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) rmSync(`${root}dist/${name}`, { force: true });
  }
}

/** True while process `pid` runs (signal 0 only checks; EPERM means it runs as another user). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
