/**
 * `bmeter serve` binds --listen before it opens the store: a port already taken ends the run (exit 2, one
 * line) without creating a store (nor its -wal/-shm/lock files), and a store that was there is left as it was.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';
import { NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

/** A listener holding a loopback port, closed after the test. */
async function takenPort(t: { after(fn: () => unknown): void }): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

async function serveOnTakenPort(t: { after(fn: () => unknown): void }, db: string) {
  const dir = tempDirFor(t);
  await writeScanFile(dir.file('scan.json'), SCAN_RESULT);
  const port = await takenPort(t);
  return { dir, port, argv: ['--scan-file', 'scan.json', 'serve', '--db', db, '--listen', `127.0.0.1:${port}`] };
}

const inUse = (port: number): string =>
  `bmeter: cannot listen on 127.0.0.1:${port}: the address is in use (another bmeter serve?); choose another --listen\n`;

test('serve on a taken --listen exits 2 without creating the store', { skip: NEEDS_SQLITE }, async (t) => {
  const { dir, port, argv } = await serveOnTakenPort(t, 'x3.db');
  const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
  assert.deepEqual([run.code, run.stderr], [2, inUse(port)]);
  assert.deepEqual(readdirSync(dir.path), ['scan.json'], 'no store, -wal, -shm or lock file left');
  assert.deepEqual(run.ports, [], 'no stick opened');
});

test('serve on a taken --listen leaves a store that was there as it was', { skip: NEEDS_SQLITE }, async (t) => {
  const { dir, port, argv } = await serveOnTakenPort(t, 'mine.db');
  writeFileSync(dir.file('mine.db'), 'not touched');
  const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
  assert.deepEqual([run.code, run.stderr], [2, inUse(port)]);
  assert.deepEqual(readdirSync(dir.path).sort(), ['mine.db', 'scan.json']);
  assert.equal(readFileSync(dir.file('mine.db'), 'utf8'), 'not touched');
});
