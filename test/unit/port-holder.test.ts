/**
 * Who holds the port (src/transport/port-holder.ts), read from a /proc written by the test: the
 * PORT_BUSY message names the holder by its command line, which never shows a URL's user name or
 * password (another bmeter may hold the port with `--mqtt mqtt://user:password@host`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHolders, findPortHolders, withoutUserinfo } from '../../src/transport/port-holder.js';

test('the holder is named by pid and command line, without the userinfo of its URLs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-holder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const device = join(dir, 'ttyUSB0');
  writeFileSync(device, '');
  const proc = join(dir, 'proc');
  mkdirSync(join(proc, '4242', 'fd'), { recursive: true });
  symlinkSync(device, join(proc, '4242', 'fd', '5'));
  const argv = ['node', '/usr/bin/bmeter', 'poll', '--port', device, '--mqtt', 'mqtt://bmeter:S3cret-PW@10.0.0.2:1883'];
  writeFileSync(join(proc, '4242', 'cmdline'), `${argv.join('\0')}\0`);

  const holders = await findPortHolders(device, proc, -1);
  assert.deepEqual(holders, [
    { pid: 4242, command: `node /usr/bin/bmeter poll --port ${device} --mqtt mqtt://10.0.0.2:1883` },
  ]);
  assert.ok(!describeHolders(holders).includes('S3cret-PW'));
});

test('userinfo goes from every URL, whatever its scheme; text without it stays as it is', () => {
  assert.equal(
    withoutUserinfo('a mqtts://u:p@h:8883/x and tcp://root@host:1 and http://h/p@q'),
    'a mqtts://h:8883/x and tcp://host:1 and http://h/p@q',
  );
  assert.equal(withoutUserinfo('poll --port /dev/ttyUSB0'), 'poll --port /dev/ttyUSB0');
});
