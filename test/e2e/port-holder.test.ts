/**
 * A stick whose answers another program takes (a `cat` left running on the device): bmeter names
 * that program instead of only asking whether this is a SKSTACK stick. A real socat pty with no
 * stick behind it (nothing answers) and a real `cat` holding it open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { runBmeter } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

test('a stick that does not answer SKVER while another program holds the device names that program (pid and command)', async (t) => {
  const dir = tempDirFor(t, 'bmeter-holder-');
  const tty = dir.file('tty');
  const socat = spawn('socat', [`PTY,link=${tty},raw,echo=0`, 'EXEC:sleep 60'], { stdio: 'ignore' });
  t.after(() => socat.kill('SIGTERM'));
  for (let i = 0; i < 100 && !existsSync(tty); i++) await new Promise((r) => setTimeout(r, 20));
  const cat = spawn('cat', [tty], { stdio: ['ignore', 'ignore', 'ignore'] });
  t.after(() => cat.kill('SIGTERM'));
  // Wait until cat has the pty open (its /proc fd links name the device).
  const device = realpathSync(tty);
  const holds = (): boolean => {
    try {
      return readdirSync(`/proc/${cat.pid}/fd`).some((fd) => readlinkSync(`/proc/${cat.pid}/fd/${fd}`) === device);
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 250 && !holds(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(holds(), 'cat opened the pty');
  // Short command and SKVER waits (the timing table): nothing behind the pty will ever answer.
  writeFileSync(dir.file('bmeter.config.json'), JSON.stringify({ timeouts: { skverMs: 300, commandMs: 300 } }), {
    mode: 0o600,
  });

  const r = await runBmeter(['scan', '--port', tty], {
    cwd: dir.path,
    env: { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD },
    timeoutMs: 20_000,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no answer to SKVER/);
  assert.ok(r.stderr.includes(`other programs have ${tty} open and may be taking the stick's answers: `), r.stderr);
  // socat, which made the pty, holds it too and is named as well; the cat must be among them.
  assert.ok(r.stderr.includes(`pid ${cat.pid} (cat ${tty})`), r.stderr);
});
