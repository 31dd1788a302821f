/**
 * Log rotation under a running interval poll: the output file is renamed away and SIGHUP sent
 * (logrotate's `create` + `postrotate kill -HUP`). bmeter opens the file by name again and goes
 * on; SIGHUP does not kill it, and SIGTERM still ends it with exit 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { describeRun, runBmeter, spawnBmeter } from './helpers/run-bmeter.js';
import { waitFor } from './helpers/wait.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = {
  BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID,
  BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD,
  BMETER_PORT: 'sim://?timeScale=0.001',
};

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : [];
}

test(
  'after the output file is renamed and SIGHUP sent, records go to a new file of that name, with its header',
  { timeout: 60_000 },
  async (t) => {
    const dir = tempDirFor(t, 'bmeter-rotate-');
    const scan = await runBmeter(['scan'], { cwd: dir.path, env: CREDENTIALS });
    assert.equal(scan.code, 0, describeRun(scan));
    const out = dir.file('power.csv');
    const p = spawnBmeter(['poll', '--interval', '0.2', '--format', 'csv', '--output', out, '--log-level', 'info'], {
      cwd: dir.path,
      env: CREDENTIALS,
    });
    t.after(() => p.stop());
    await waitFor('a first record', () => lines(out).length >= 2, 15_000);
    renameSync(out, `${out}.1`);
    process.kill(p.pid, 'SIGHUP');
    await waitFor('a record in the new file', () => lines(out).length >= 2, 15_000);
    const result = await p.stop();
    assert.equal(result.code, 0, describeRun(result));
    const header =
      'timestamp,power_w,current_r_a,current_t_a,energy_normal_kwh,energy_reverse_kwh,fixed_normal_at,fixed_normal_kwh,fixed_reverse_at,fixed_reverse_kwh';
    assert.equal(lines(`${out}.1`)[0], header);
    assert.equal(lines(out)[0], header);
    assert.equal(lines(out).filter((l) => l === header).length, 1);
    // Rotation is normal operation: said at info, not as a warning.
    assert.match(
      result.stderr,
      new RegExp(
        `"level":"info".*"msg":"reopened output file ${out.replaceAll('.', '\\.')} \\((on SIGHUP|it was moved or deleted)\\)"`,
      ),
    );
  },
);
