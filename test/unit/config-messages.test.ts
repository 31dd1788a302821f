/**
 * How an invalid configuration is said: one fault is one line naming where the value came from and what it
 * must be, in bmeter's words (never zod's `Too big: expected number to be <=3600`); several are listed under
 * `invalid configuration:`; a value is never echoed but for a number out of range.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as z from 'zod/mini';
import { loadConfig } from '../../src/config/config.js';
import { wordIssue } from '../../src/config/issue-words.js';
import { BmeterError } from '../../src/errors.js';
import { tempDirFor, tempFoldersOfFile } from '../e2e/helpers/temp-dir.js';
import { runProgram } from '../fixtures/run-program.js';

const tempDir = tempFoldersOfFile('bmeter-config-messages-');

/** The message loadConfig throws for a config file holding `content` (and the file's path). */
function messageFor(content: unknown, env: NodeJS.ProcessEnv = {}): { message: string; file: string } {
  const cwd = tempDir();
  const file = join(cwd, 'c.json');
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  try {
    loadConfig({ flags: { config: 'c.json' }, env, cwd });
  } catch (err) {
    assert.ok(err instanceof BmeterError, String(err));
    assert.equal(err.exitCode, 2);
    return { message: err.message, file };
  }
  assert.fail('the configuration was accepted');
}

test('bmeter poll --wait-port 1e10 exits 2 with one line saying the limit', async (t) => {
  const run = await runProgram(['poll', '--port', 'sim://', '--wait-port', '1e10'], {
    cwd: tempDirFor(t).path,
    simUrl: 'sim://',
  });
  assert.deepEqual(
    [run.code, run.stdout, run.stderr],
    [2, '', 'bmeter: --wait-port (waitPortSeconds): must be at most 3600 (got 10000000000)\n'],
  );
  assert.deepEqual(run.ports, [], 'no port opened');
});

test('one fault of the config file is one line: a number under its minimum', () => {
  const { message, file } = messageFor({ timeouts: { commandMs: 5 } });
  assert.equal(message, `timeouts.commandMs in ${file}: must be at least 100 (got 5)`);
});

test('a value not among the allowed ones lists them, bare', () => {
  const { message, file } = messageFor({ logLevel: 'loud' });
  assert.equal(message, `logLevel in ${file}: must be one of silent, fatal, error, warn, info, debug, trace`);
});

test('several faults: the header, then one line each, in bmeter’s words', () => {
  const { message, file } = messageFor({
    waitPortSeconds: 'soon',
    setHexOutput: 'yes',
    scan: { minDuration: 1.5, maxDuration: 'x', channelDurations: [] },
    port: '',
  });
  assert.equal(
    message,
    'invalid configuration:\n' +
      `  - port in ${file}: must not be empty\n` +
      `  - setHexOutput in ${file}: must be true or false\n` +
      `  - waitPortSeconds in ${file}: must be a number\n` +
      `  - scan.minDuration in ${file}: must be a whole number\n` +
      `  - scan.maxDuration in ${file}: must be a whole number\n` +
      `  - scan.channelDurations in ${file}: must list at least 1 item`,
  );
});

test('a secret of the wrong type is named, never echoed', () => {
  const { message, file } = messageFor({
    routeB: { id: 12345678901234, password: 987654321012 },
    mqtt: { password: 555666777 },
  });
  assert.equal(
    message,
    'invalid configuration:\n' +
      `  - routeB.id in ${file}: must be a string (in double quotes)\n` +
      `  - routeB.password in ${file}: must be a string (in double quotes)\n` +
      `  - mqtt.password in ${file}: must be a string (in double quotes)`,
  );
});

test('a single credential fault is one line too', () => {
  const { message } = messageFor({}, { BMETER_ROUTEB_ID: 'SHORT' });
  assert.equal(message, 'BMETER_ROUTEB_ID (routeB.id): 5 characters, needs 32 (the Route-B ID from the power company)');
});

test('the wording of bounds: exclusive, exact, lists and strings', () => {
  const word = (schema: z.ZodMiniType, input: unknown): string | undefined => {
    const r = schema.safeParse(input, { error: wordIssue });
    return r.success ? undefined : r.error.issues.map((i) => i.message).join('; ');
  };
  assert.equal(word(z.number().check(z.lt(10)), 12), 'must be less than 10 (got 12)');
  assert.equal(word(z.number().check(z.gt(0)), 0), 'must be more than 0 (got 0)');
  assert.equal(word(z.string().check(z.length(3)), 'ab'), 'must be exactly 3 characters');
  assert.equal(word(z.string().check(z.maxLength(2)), 'abc'), 'must be at most 2 characters');
  assert.equal(word(z.array(z.number()).check(z.maxLength(1)), [1, 2]), 'must list at most 1 item');
  assert.equal(word(z.literal(1), 2), 'must be 1');
  assert.equal(word(z.object({ a: z.string() }), {}), 'missing');
  assert.equal(word(z.array(z.number()), {}), 'must be a list ([ … ])');
  // A message the schema gives itself wins.
  assert.equal(word(z.string().check(z.regex(/^E/, 'an EPC, e.g. E7')), 'x'), 'an EPC, e.g. E7');
});
