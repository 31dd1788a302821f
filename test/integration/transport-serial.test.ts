import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  readSync,
  writeSync,
  rmSync,
  chmodSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSerial, mapOpenError } from '../../src/transport/serial.js';
import { openTransport } from '../../src/transport/open.js';
import { BmeterError } from '../../src/errors.js';

const SOCAT = '/usr/bin/socat';
/** A single process that takes the same exclusive flock serialport takes, then sleeps. */
function lockHolder(path: string): ChildProcess {
  const script =
    'import fcntl,sys,time\nf=open(sys.argv[1],"rb")\nfcntl.flock(f,fcntl.LOCK_EX)\nprint("locked",flush=True)\ntime.sleep(30)';
  return spawn('python3', ['-c', script, path], { stdio: ['ignore', 'pipe', 'ignore'] });
}
function locked(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.stdout?.once('data', () => resolve()));
}
const skip = existsSync(SOCAT) ? false : 'socat is not installed (/usr/bin/socat), so no pty pair can be made';

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(existsSync(path), `${path} did not appear`);
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// The limit only turns a hang into a failure: on a loaded machine the suite has taken over 20 s.
describe('serial transport over a socat pty pair', { skip, timeout: 120_000 }, () => {
  let dir: string;
  let socat: ChildProcess | undefined;
  let a: string;
  let b: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bmeter-pty-'));
    a = join(dir, 'stick');
    b = join(dir, 'peer');
    socat = spawn(SOCAT, [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    await waitFor(a);
    await waitFor(b);
  });

  after(async () => {
    await stop(socat);
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves bytes both ways, CR LF and binary included', async () => {
    const transport = await openSerial(a);
    try {
      const got: Buffer[] = [];
      transport.onData((chunk) => got.push(chunk));
      const peer = openSync(b, 'r+');
      try {
        await transport.write(Buffer.from('SKVER\r\n\x00\xff', 'latin1'));
        const buf = Buffer.alloc(64);
        let n = 0;
        for (let i = 0; i < 50 && n < 9; i++) {
          try {
            n += readSync(peer, buf, n, 64 - n, null);
          } catch {
            await new Promise((r) => setTimeout(r, 10));
          }
        }
        assert.equal(buf.subarray(0, n).toString('latin1'), 'SKVER\r\n\x00\xff');
        writeSync(peer, Buffer.from('EVER 1.2.10\r\nOK\r\n'));
        for (let i = 0; i < 100 && Buffer.concat(got).length < 17; i++) await new Promise((r) => setTimeout(r, 10));
        assert.equal(Buffer.concat(got).toString('latin1'), 'EVER 1.2.10\r\nOK\r\n');
      } finally {
        closeSync(peer);
      }
    } finally {
      await transport.close();
    }
  });

  it('refuses a port another process holds and names its pid and command line', async () => {
    const holder = lockHolder(a);
    try {
      await locked(holder);
      await assert.rejects(
        openTransport(a),
        (err: unknown) =>
          err instanceof BmeterError &&
          err.code === 'PORT_BUSY' &&
          err.exitCode === 5 &&
          err.message.startsWith(`${a} is busy: held by pid ${holder.pid} (`) &&
          err.message.includes('python3 -c import fcntl') &&
          err.message.endsWith('— stop it, or wait for it with --wait-port'),
      );
    } finally {
      await stop(holder);
    }
  });

  it('waits for a busy port to be released when waitPortMs allows it', async () => {
    const holder = lockHolder(a);
    await locked(holder);
    setTimeout(() => holder.kill('SIGTERM'), 300);
    try {
      const started = Date.now();
      // The wait ends as soon as the holder is gone; its budget only has to outlast a loaded machine.
      const transport = await openTransport(a, { waitPortMs: 20_000 });
      assert.ok(Date.now() - started >= 250, 'it waited for the holder');
      await transport.close();
    } finally {
      await stop(holder);
    }
  });

  it('gives up on a busy port with PORT_BUSY once waitPortMs runs out', async () => {
    const first = await openSerial(a);
    try {
      await assert.rejects(
        openSerial(a, { waitPortMs: 300 }),
        (err: unknown) => err instanceof BmeterError && err.code === 'PORT_BUSY',
      );
    } finally {
      await first.close();
    }
  });
});

describe('serial port errors', () => {
  it('says the device is missing and how to look for it', async () => {
    await assert.rejects(
      openTransport('/dev/ttyBMETER-NOPE'),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'PORT_MISSING' &&
        err.exitCode === 5 &&
        err.message === 'no such device /dev/ttyBMETER-NOPE — is the stick plugged in? `ls /dev/serial/by-id/`',
    );
  });

  it('maps "Permission denied" to PORT_DENIED with the dialout hint', async () => {
    const err = await mapOpenError('/dev/ttyUSB0', new Error('Error: Permission denied, cannot open /dev/ttyUSB0'));
    assert.equal(err.code, 'PORT_DENIED');
    assert.match(err.message, /add yourself to the dialout group: sudo usermod -aG dialout \$USER, then log in again/);
  });

  it("says a regular file is not a serial port (exit 5), instead of serialport's ioctl message", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmeter-notty-'));
    const f = join(dir, 'passwd');
    writeFileSync(f, 'root:x:0:0\n');
    try {
      await assert.rejects(openSerial(f), (err: unknown) => {
        assert.ok(err instanceof BmeterError);
        assert.equal(err.exitCode, 5);
        assert.equal(
          err.message,
          `${f} is not a serial port — give the stick's device, e.g. /dev/ttyUSB0 (\`ls /dev/serial/by-id/\`)`,
        );
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'reports a permission problem on a real file when not running as root',
    { skip: process.getuid?.() === 0 ? 'running as root: permissions are not enforced' : false },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bmeter-perm-'));
      const f = join(dir, 'tty');
      writeFileSync(f, '');
      chmodSync(f, 0o000);
      try {
        await assert.rejects(
          openTransport(f),
          (err: unknown) => err instanceof BmeterError && err.code === 'PORT_DENIED',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('rejects unknown schemes and an empty port as usage errors', async () => {
    await assert.rejects(
      openTransport('udp://x:1'),
      (err: unknown) => err instanceof BmeterError && err.code === 'USAGE',
    );
    await assert.rejects(openTransport(''), (err: unknown) => err instanceof BmeterError && err.code === 'USAGE');
  });
});
