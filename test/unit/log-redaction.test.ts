import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log/logger.js';
import { SecretRedactor } from '../../src/log/redact.js';

const ID = '0123456789ABCDEF0123456789ABCDEF';
const PASSWORD = 'PW0123456789';

test('no log line at trace level carries a registered secret, in messages or fields', () => {
  const redactor = new SecretRedactor();
  redactor.add(ID);
  redactor.add(PASSWORD);
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', redactor, destination: { write: (t: string) => lines.push(t) } });
  logger.trace(`>> SKSETPWD C ${PASSWORD}`);
  logger.debug({ command: `SKSETRBID ${ID}` }, 'sent');
  logger.error(new Error(`failed with ${PASSWORD}`), 'boom');
  const all = lines.join('');
  assert.equal(lines.length, 3);
  assert.ok(!all.includes(ID), 'the Route-B ID leaked');
  assert.ok(!all.includes(PASSWORD), 'the password leaked');
  assert.match(all, /SKSETPWD C \[REDACTED\]/);
});

test('an ID that contains the password is masked whole, not piecewise', () => {
  const redactor = new SecretRedactor();
  redactor.add('ABCD');
  redactor.add('xxABCDxx');
  assert.equal(redactor.redact('id=xxABCDxx pw=ABCD'), 'id=[REDACTED] pw=[REDACTED]');
});

test('logs go to the given destination as JSON lines with a level name', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (t: string) => lines.push(t) } });
  logger.debug('hidden');
  logger.info({ attempt: 2 }, 'scanning');
  assert.equal(lines.length, 1);
  const parsed = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(parsed['level'], 'info');
  assert.equal(parsed['msg'], 'scanning');
  assert.equal(parsed['attempt'], 2);
});
