/**
 * `bmeter serve` and `poll --db` spawned as a user runs them, on a meter that refuses every join (EVENT 24): when
 * the run ends with exit 4, the store it made for it (nothing stored in it) is gone with its -wal, -shm and lock
 * file; when the user stops it first (SIGINT while the join is retried), the run ends normally (exit 0) and
 * keeps the new store for the next run. The store needs node:sqlite: run by the Node 22 beside Node 20 where
 * the test's own Node lacks it. In-process runs of poll, history and serve: test/integration/store-take-back.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { describeRun, runBmeter, spawnBmeter } from './helpers/run-bmeter.js';
import { NEEDS_SERVE_NODE, SERVE_NODE, sqliteRows } from './helpers/serve-node.js';
import { tempDirFor, type TempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const REFUSING = 'sim://?timeScale=0.001&authReject=1';

/**
 * A folder with the scan file and a config whose first join back-off is `joinBackoffMs`; the arguments of
 * `command` with `--db new.db` there.
 */
async function storeArgs(dir: TempDir, command: 'serve' | 'poll', joinBackoffMs: number): Promise<string[]> {
  await writeScanFile(dir.file('bmeter.scan.json'), SIM_SCAN_RESULT);
  writeFileSync(dir.file('bmeter.config.json'), JSON.stringify({ timeouts: { joinBackoffMs } }));
  const own = command === 'serve' ? ['serve', '--listen', '127.0.0.1:0'] : ['poll'];
  return [...own, '--port', REFUSING, '--config', 'bmeter.config.json', '--db', 'new.db'];
}

const files = (dir: TempDir): string[] => readdirSync(dir.path).sort();

test('serve ending with exit 4 (EVENT 24) leaves no store it made', { skip: NEEDS_SERVE_NODE }, async (t) => {
  const dir = tempDirFor(t, 'bmeter-take-back-');
  const args = await storeArgs(dir, 'serve', 0);
  const before = files(dir);
  const r = await runBmeter(args, {
    cwd: dir.path,
    env: CREDENTIALS,
    ...(SERVE_NODE !== undefined && { node: SERVE_NODE }),
  });
  assert.equal(r.code, 4, describeRun(r));
  assert.match(r.stderr, /EVENT 24/);
  assert.deepEqual(files(dir), before, 'no store, -wal, -shm or lock file left');
});

// Both end as from any normal end, "stopped before the first reading". A stop that ends the run with an error
// the entry point turns into exit 0 (SIGINT while another bmeter holds the port): test/unit/store-take-back.test.ts.
for (const command of ['serve', 'poll'] as const) {
  test(
    `${command} stopped by SIGINT during the join keeps the store it made (exit 0)`,
    {
      skip: NEEDS_SERVE_NODE,
    },
    async (t) => {
      const dir = tempDirFor(t, 'bmeter-take-back-');
      // A 4 s back-off after the first EVENT 24: the run is waiting to join again when it is stopped.
      const args = await storeArgs(dir, command, 4000);
      const p = spawnBmeter([...args, '-vv'], {
        cwd: dir.path,
        env: CREDENTIALS,
        ...(SERVE_NODE !== undefined && { node: SERVE_NODE }),
      });
      t.after(() => p.stop());
      await waitFor('retrying SKJOIN on stderr', () => /retrying SKJOIN/.test(p.stderr()), 15_000, p.stderr);
      process.kill(p.pid, 'SIGINT');
      const r = await p.exited;
      assert.equal(r.code, 0, describeRun(r));
      assert.ok(files(dir).includes('new.db'), files(dir).join(', '));
      assert.deepEqual(sqliteRows(dir.file('new.db'), 'SELECT COUNT(*) AS n FROM readings'), [{ n: 0 }]);
    },
  );
}
