/**
 * `bmeter serve --mqtt` whose broker refuses the credentials ends with exit 1 before the stick is opened; the
 * store it made for this run (nothing stored in it yet) goes again, with its -wal, -shm and lock, and a store
 * that was there before stays. A real mosquitto with a password file; serve runs in process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';
import { NEEDS_SQLITE, openTestStore } from '../fixtures/sqlite.js';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { startBroker } from '../e2e/helpers/mosquitto.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

test(
  'refused broker credentials: exit 1, no stick opened, a new store removed, an old one kept',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t, 'bmeter-serve-refused-');
    await writeScanFile(dir.file('scan.json'), SCAN_RESULT);
    const broker = await startBroker(t, dir, { meter: 'right-Pass-1' });
    const files = () =>
      readdirSync(dir.path)
        .filter((f) => !/^mosquitto|\.conf$|passwd/.test(f))
        .sort();
    const before = files();
    const serve = (db: string) =>
      runProgram(['--scan-file', 'scan.json', 'serve', '--listen', '127.0.0.1:0', '--db', db, '--mqtt', broker.url], {
        cwd: dir.path,
        simUrl: 'sim://',
        env: {
          BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID,
          BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD,
          BMETER_MQTT_USERNAME: 'meter',
          BMETER_MQTT_PASSWORD: 'wrong-Pass-2',
        },
      });
    const fresh = await serve('new.db');
    assert.equal(fresh.code, 1, fresh.stderr);
    assert.match(fresh.stderr, /refused/);
    assert.deepEqual(fresh.ports, [], 'no stick opened');
    assert.deepEqual(files(), before, 'no store, -wal, -shm or lock file left');

    // A store from before is the user's: kept.
    (await openTestStore(dir.file('old.db'))).close();
    const withOld = files();
    assert.ok(withOld.includes('old.db'), withOld.join(', '));
    const old = await serve('old.db');
    assert.equal(old.code, 1, old.stderr);
    assert.deepEqual(files(), withOld, 'the old store is kept');
  },
);
