import { test } from 'node:test';
import { tempFoldersOfFile } from '../e2e/helpers/temp-dir.js';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { requireCredentials } from '../../src/config/credentials.js';
import { BmeterError } from '../../src/errors.js';
import { repoPath } from '../fixtures/repo-root.js';

const ID = '0123456789ABCDEF0123456789ABCDEF';
const PASSWORD = 'PW0123456789';

const tempDir = tempFoldersOfFile('bmeter-config-');

test('defaults apply when nothing is given', () => {
  const cwd = tempDir();
  const config = loadConfig({ flags: {}, env: {}, cwd });
  assert.equal(config.port, '/dev/ttyUSB0');
  assert.equal(config.scanFile, join(cwd, 'bmeter.scan.json'));
  assert.deepEqual(config.poll.properties, ['E7', 'E8', 'E0', 'E3', 'EA', 'EB']);
  assert.equal(config.scan.minDuration, 4);
  assert.equal(config.scan.maxDuration, 7);
  assert.equal(config.waitPortSeconds, 30);
  assert.equal(config.timeouts.joinMs, 40000);
});

test('flags beat the environment, which beats the config file', () => {
  const cwd = tempDir();
  writeFileSync(
    join(cwd, 'bmeter.config.json'),
    JSON.stringify({ port: 'tcp://file:1', scanFile: 'file.json', logLevel: 'error' }),
  );
  const env = { BMETER_PORT: 'tcp://env:2', BMETER_SCAN_FILE: '/abs/env.json' };
  const config = loadConfig({ flags: { port: 'sim://' }, env, cwd });
  assert.equal(config.port, 'sim://');
  assert.equal(config.scanFile, '/abs/env.json');
  assert.equal(config.logLevel, 'error');
});

test('an environment variable that is empty or only blanks counts as unset, as the next layer down decides', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'bmeter.config.json'), JSON.stringify({ port: 'tcp://file:1', scanFile: 'file.json' }));
  for (const blank of ['', ' ', '\t ']) {
    const env = { BMETER_PORT: blank, BMETER_SCAN_FILE: blank, BMETER_CONFIG: blank, BMETER_LOG_LEVEL: blank };
    const config = loadConfig({ flags: {}, env, cwd });
    assert.deepEqual([config.port, config.scanFile, config.logLevel], ['tcp://file:1', join(cwd, 'file.json'), 'warn']);
  }
});

test('the config file is found by --config, BMETER_CONFIG, or ./bmeter.config.json', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'a.json'), JSON.stringify({ port: 'tcp://a:1' }));
  writeFileSync(join(cwd, 'b.json'), JSON.stringify({ port: 'tcp://b:1' }));
  assert.equal(loadConfig({ flags: { config: 'a.json' }, env: { BMETER_CONFIG: 'b.json' }, cwd }).port, 'tcp://a:1');
  assert.equal(loadConfig({ flags: {}, env: { BMETER_CONFIG: 'b.json' }, cwd }).port, 'tcp://b:1');
});

test('a named config file that does not exist is an error naming the path', () => {
  const cwd = tempDir();
  assert.throws(
    () => loadConfig({ flags: { config: 'missing.json' }, env: {}, cwd }),
    (err: unknown) => err instanceof BmeterError && err.exitCode === 2 && err.message.includes('missing.json'),
  );
});

test('every invalid field is listed by its path, without echoing the values', () => {
  const cwd = tempDir();
  writeFileSync(
    join(cwd, 'bmeter.config.json'),
    JSON.stringify({
      routeB: { id: 'short-secret-id' },
      scan: { maxDuration: 99 },
      timeouts: { joinMs: 'soon' },
      colour: 'red',
    }),
  );
  assert.throws(
    () => loadConfig({ flags: {}, env: {}, cwd }),
    (err: unknown) => {
      assert.ok(err instanceof BmeterError);
      assert.equal(err.code, 'CONFIG');
      assert.match(err.message, /routeB\.id/);
      assert.match(err.message, /scan\.maxDuration/);
      assert.match(err.message, /timeouts\.joinMs/);
      assert.match(err.message, /colour/);
      assert.doesNotMatch(err.message, /short-secret-id/);
      return true;
    },
  );
});

test('a non-numeric flag value is reported as an invalid field', () => {
  assert.throws(() => loadConfig({ flags: { minDuration: 'four' }, env: {}, cwd: tempDir() }), /scan\.minDuration/);
});

test('credentials come from the environment, and their absence names the variables', () => {
  const cwd = tempDir();
  const config = loadConfig({ flags: {}, env: { BMETER_ROUTEB_ID: ID, BMETER_ROUTEB_PASSWORD: PASSWORD }, cwd });
  assert.deepEqual(requireCredentials(config), { id: ID, password: PASSWORD });
  const empty = loadConfig({ flags: {}, env: {}, cwd });
  assert.throws(() => requireCredentials(empty), /BMETER_ROUTEB_ID.*BMETER_ROUTEB_PASSWORD/s);
});

test('keys starting with // are comments, so config.example.json itself is a valid config', () => {
  const example = repoPath('config.example.json');
  const config = loadConfig({ flags: { config: example }, env: {}, cwd: tempDir() });
  assert.equal(config.port, '/dev/ttyUSB0');
  assert.equal(config.routeB.id?.length, 32);
});

test('config.example.json copied as it is: scan and poll say its credentials are placeholders, exit 2, at once', () => {
  const example = repoPath('config.example.json');
  const config = loadConfig({ flags: { config: example }, env: {}, cwd: tempDir() });
  assert.throws(
    () => requireCredentials(config),
    (err: unknown) => {
      assert.ok(err instanceof BmeterError && err.exitCode === 2);
      assert.equal(
        err.message,
        'the Route-B ID (BMETER_ROUTEB_ID or routeB.id) and the Route-B password (BMETER_ROUTEB_PASSWORD or ' +
          "routeB.password) are still config.example.json's placeholders — replace them with what your power company sent",
      );
      return true;
    },
  );
  // Only the one still a placeholder is named.
  const own = loadConfig({ flags: { config: example }, env: { BMETER_ROUTEB_ID: ID }, cwd: tempDir() });
  assert.throws(
    () => requireCredentials(own),
    /^BmeterError: the Route-B password .* is still config\.example\.json's/,
  );
});

test('a config file holding the password and readable by others draws a warning', () => {
  const cwd = tempDir();
  const path = join(cwd, 'bmeter.config.json');
  writeFileSync(path, JSON.stringify({ routeB: { password: PASSWORD } }));
  chmodSync(path, 0o644);
  const warnings: string[] = [];
  loadConfig({ flags: {}, env: {}, cwd, warn: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /chmod 600/);
  assert.doesNotMatch(warnings[0] ?? '', new RegExp(PASSWORD));
  chmodSync(path, 0o600);
  warnings.length = 0;
  loadConfig({ flags: {}, env: {}, cwd, warn: (m) => warnings.push(m) });
  assert.equal(warnings.length, 0);
});

test('a config file that is not JSON is reported by line, without quoting the text around the fault', () => {
  const cwd = tempDir();
  // A password written without quotes: V8's own message would quote most of it.
  writeFileSync(
    join(cwd, 'bmeter.config.json'),
    `{\n  "port": "/dev/ttyUSB0",\n  "routeB": { "password": ${PASSWORD} }\n}\n`,
  );
  assert.throws(
    () => loadConfig({ flags: {}, env: {}, cwd }),
    (err: unknown) => {
      assert.ok(err instanceof BmeterError && err.exitCode === 2);
      assert.match(err.message, /bmeter\.config\.json is not valid JSON \(unexpected token at line 3\)/);
      assert.doesNotMatch(err.message, new RegExp(PASSWORD.slice(0, 4)));
      return true;
    },
  );
  writeFileSync(join(cwd, 'bmeter.config.json'), '');
  assert.throws(() => loadConfig({ flags: {}, env: {}, cwd }), /is not valid JSON \(unexpected end of JSON input\)/);
  writeFileSync(join(cwd, 'bmeter.config.json'), '{\n  "port": "/dev/ttyUSB0"\n  "routeB": {}\n}\n');
  assert.throws(
    () => loadConfig({ flags: {}, env: {}, cwd }),
    /is not valid JSON \(expected ',' or '}' after property value at line 3\)/,
  );
});

test('MQTT settings: --mqtt beats BMETER_MQTT_URL beats the file; user and password from the environment', () => {
  const cwd = tempDir();
  writeFileSync(
    join(cwd, 'bmeter.config.json'),
    JSON.stringify({ mqtt: { url: 'mqtt://file', username: 'fileuser', topicPrefix: 'home/meter' } }),
  );
  const env = { BMETER_MQTT_URL: 'mqtt://env', BMETER_MQTT_USERNAME: 'envuser', BMETER_MQTT_PASSWORD: 'envpass' };
  assert.deepEqual(loadConfig({ flags: {}, env, cwd }).mqtt, {
    url: 'mqtt://env',
    username: 'envuser',
    password: 'envpass',
    topicPrefix: 'home/meter',
    discoveryPrefix: 'homeassistant',
  });
  assert.equal(loadConfig({ flags: { mqtt: 'mqtt://flag' }, env, cwd }).mqtt.url, 'mqtt://flag');
  assert.deepEqual(loadConfig({ flags: {}, env: {}, cwd: tempDir() }).mqtt, {
    topicPrefix: 'bmeter',
    discoveryPrefix: 'homeassistant',
  });
});

test('a Route-B ID of 31 characters from the environment is named by its variable and its length, never by its value', () => {
  const id31 = 'ABCDEF0123456789ABCDEF012345678';
  assert.throws(
    () => loadConfig({ flags: {}, env: { BMETER_ROUTEB_ID: id31, BMETER_ROUTEB_PASSWORD: PASSWORD }, cwd: tempDir() }),
    (err: unknown) => {
      assert.ok(err instanceof BmeterError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /BMETER_ROUTEB_ID \(routeB\.id\): 31 characters, needs 32/);
      assert.ok(!err.message.includes(id31));
      return true;
    },
  );
});

test('a Route-B ID of one character is "1 character", not "1 characters"', () => {
  assert.throws(
    () => loadConfig({ flags: {}, env: { BMETER_ROUTEB_ID: 'A', BMETER_ROUTEB_PASSWORD: PASSWORD }, cwd: tempDir() }),
    /BMETER_ROUTEB_ID \(routeB\.id\): 1 character, needs 32/,
  );
});

test('a password with a space or a non-ASCII character is refused at start, naming where it came from', () => {
  const cwd = tempDir();
  const path = join(cwd, 'bmeter.config.json');
  writeFileSync(path, JSON.stringify({ routeB: { id: ID, password: 'PW01 2345678' } }), { mode: 0o600 });
  assert.throws(
    () => loadConfig({ flags: {}, env: {}, cwd }),
    (err: unknown) => {
      assert.ok(err instanceof BmeterError && err.exitCode === 2);
      assert.match(err.message, new RegExp(`routeB\\.password in ${path.replaceAll('.', '\\.')}: holds a space`));
      assert.ok(!err.message.includes('PW01 2345678'));
      return true;
    },
  );
  assert.throws(
    () =>
      loadConfig({ flags: {}, env: { BMETER_ROUTEB_ID: ID, BMETER_ROUTEB_PASSWORD: 'PW0123456789é' }, cwd: tempDir() }),
    /BMETER_ROUTEB_PASSWORD \(routeB\.password\): holds a character that is not printable ASCII/,
  );
});

test('an invalid value from the environment or a flag names the variable or flag', () => {
  assert.throws(
    () => loadConfig({ flags: {}, env: { BMETER_LOG_LEVEL: 'loud' }, cwd: tempDir() }),
    /BMETER_LOG_LEVEL \(logLevel\):/,
  );
  assert.throws(
    () => loadConfig({ flags: { minDuration: 'four' }, env: {}, cwd: tempDir() }),
    /--min-duration \(scan\.minDuration\):/,
  );
});

test('a config file holding only the Route-B ID and readable by others draws the same warning', () => {
  const cwd = tempDir();
  const path = join(cwd, 'bmeter.config.json');
  writeFileSync(path, JSON.stringify({ routeB: { id: ID } }));
  chmodSync(path, 0o644);
  const warnings: string[] = [];
  loadConfig({ flags: {}, env: {}, cwd, warn: (m) => warnings.push(m) });
  assert.deepEqual(warnings, [
    `config file ${path} holds the Route-B ID but is readable by group or others — run: chmod 600 ${path}`,
  ]);
});

test('a Route-B password of other than 12 characters is taken, with a warning naming its source and length', () => {
  const warned: string[] = [];
  const warn = (message: string): void => void warned.push(message);
  const cwd = tempDir();
  writeFileSync(join(cwd, 'bmeter.config.json'), JSON.stringify({ routeB: { password: 'SHORTPW' } }), { mode: 0o600 });
  const config = loadConfig({ flags: {}, env: { BMETER_ROUTEB_ID: ID }, cwd, warn });
  assert.equal(config.routeB.password, 'SHORTPW');
  assert.equal(warned.length, 1);
  assert.match(
    warned[0] ?? '',
    /^routeB\.password in \S+bmeter\.config\.json has 7 characters, where the Route-B password from the power company has 12: check it if the join fails \(EVENT 24\)$/,
  );
  assert.ok(!(warned[0] ?? '').includes('SHORTPW'));
  warned.length = 0;
  loadConfig({
    flags: {},
    env: { BMETER_ROUTEB_ID: ID, BMETER_ROUTEB_PASSWORD: 'ABCDEFGHIJKL' },
    cwd: tempDir(),
    warn,
  });
  assert.deepEqual(warned, [], 'twelve characters: no warning');
});

test('a setting the config file holds that bmeter does not know is named with its file, key by key', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'c.json'), JSON.stringify({ bogus: 1, routeB: { x: 2 } }));
  assert.throws(
    () => loadConfig({ flags: { config: 'c.json' }, env: {}, cwd }),
    (err: unknown) => {
      assert.ok(err instanceof BmeterError);
      assert.equal(err.exitCode, 2);
      const file = join(cwd, 'c.json');
      assert.equal(
        err.message,
        'invalid configuration:\n' +
          `  - routeB.x in ${file}: not a setting bmeter knows (see config.example.json)\n` +
          `  - bogus in ${file}: not a setting bmeter knows (see config.example.json)`,
      );
      return true;
    },
  );
});
