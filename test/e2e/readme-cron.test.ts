/**
 * The README's cron lines work as shown after the README's install (`npm install -g .`): the
 * package is installed into a temporary npm prefix (a link to this checkout, built by `npm test`),
 * and each ```cron block of README.md runs with `sh -c` and only the environment its own PATH line
 * gives — as cron would run it. Only what a user fills in is replaced: the folder, the credentials (the simulator's), the port (sim://) and
 * the PATH line's /usr/local/bin (the temporary prefix's bin and this node's folder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { REPO_ROOT } from './helpers/paths.js';
import { tempDirFor } from './helpers/temp-dir.js';

const run = promisify(execFile);
const SIM_PORT = "'sim://?timeScale=0.001&clock=2026-11-30T12:10:00+09:00'";

function cronBlocks(): { path: string; line: string }[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```cron\n([\s\S]*?)```/g)].map((m) => {
    const lines = (m[1] ?? '').trim().split('\n');
    const path = lines.find((l) => l.startsWith('PATH='))?.slice('PATH='.length);
    const line = lines.find((l) => !l.startsWith('PATH='));
    assert.ok(path !== undefined && line !== undefined, `a cron block with a PATH line and a job: ${m[1]}`);
    return { path, line };
  });
}

/** The command part of a crontab line (after the five time fields). */
function command(line: string, cwd: string): string {
  return line
    .replace(/^(\S+\s+){5}/, '')
    .replace('cd /home/pi/meter', `cd ${cwd}`)
    .replace('BMETER_ROUTEB_ID=…', `BMETER_ROUTEB_ID=${SIM_DEMO_ROUTEB_ID}`)
    .replace('BMETER_ROUTEB_PASSWORD=…', `BMETER_ROUTEB_PASSWORD=${SIM_DEMO_PASSWORD}`)
    .replace('--port /dev/ttyUSB0', `--port ${SIM_PORT}`);
}

test('the README cron lines run as shown after npm install -g', { timeout: 240_000 }, async (t) => {
  const dir = tempDirFor(t, 'bmeter-cron-');
  const prefix = dir.file('npm-global');
  // --ignore-scripts: npm links the checkout, whose dist/ `npm test` has just built; its `prepare` would
  // build dist/ again while the other test files run bmeter from it.
  const install = ['install', '-g', REPO_ROOT, '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund'];
  await run('npm', install, { cwd: dir.path });
  const blocks = cronBlocks();
  assert.equal(blocks.length, 2, 'the poll and the history cron lines');
  const meter = dir.file('meter');
  await run('mkdir', [meter]);
  for (const { path } of blocks) assert.equal(path, '/usr/local/bin:/usr/bin:/bin');
  const cronPath = (path: string): string =>
    path.replace('/usr/local/bin', `${join(prefix, 'bin')}:${dirname(process.execPath)}`);
  const env = (path: string) => ({ PATH: cronPath(path), HOME: dir.path, SHELL: '/bin/sh' });
  const first = blocks[0] as { path: string; line: string };
  // Once, by hand, as the README's set-up says: the scan.
  await run(
    'sh',
    [
      '-c',
      `cd ${meter} && BMETER_ROUTEB_ID=${SIM_DEMO_ROUTEB_ID} BMETER_ROUTEB_PASSWORD=${SIM_DEMO_PASSWORD} bmeter scan --port ${SIM_PORT}`,
    ],
    { env: env(first.path) },
  );
  for (const { path, line } of [first, first, ...blocks.slice(1)]) {
    await run('sh', ['-c', command(line, meter)], { env: env(path) });
  }
  const power = readFileSync(join(meter, 'power.csv'), 'utf8').trim().split('\n');
  assert.equal(power.length, 3, 'a header and two readings');
  assert.equal(
    power[0],
    'timestamp,power_w,current_r_a,current_t_a,energy_normal_kwh,energy_reverse_kwh,fixed_normal_at,fixed_normal_kwh,fixed_reverse_at,fixed_reverse_kwh',
  );
  const halfHours = readFileSync(join(meter, 'halfhours.csv'), 'utf8').trim().split('\n');
  assert.equal(halfHours[0], 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh');
  // 2026-11-30 from 00:00 to 12:00 +09:00 on the simulator's frozen clock: 25 half-hour marks.
  assert.equal(halfHours.length, 1 + 25);
  assert.equal(halfHours[1]?.split(',')[0], '2026-11-30T00:00:00+09:00');
});
