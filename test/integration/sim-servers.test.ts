import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { SerialPort } from 'serialport';
import { serveTcp, servePty } from '../../src/sim/server.js';
import { register } from '../../src/cli/simulate.js';
import type { CliContext } from '../../src/cli/context.js';
import { BmeterError, isBmeterError } from '../../src/errors.js';

async function until(read: () => string, want: string, ms = 20_000): Promise<string> {
  const start = Date.now();
  while (!read().includes(want)) {
    if (Date.now() - start > ms)
      throw new Error(`timeout waiting for ${JSON.stringify(want)}; got ${JSON.stringify(read())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return read();
}

async function tcpExchange(address: string, send: string, want: string): Promise<string> {
  const m = /^tcp:\/\/([^:]+):(\d+)$/.exec(address);
  assert.ok(m);
  const socket = connect(Number(m[2]), m[1]);
  let out = '';
  socket.on('data', (d) => {
    out += d.toString('latin1');
  });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(send);
  await until(() => out, want);
  socket.destroy();
  return out;
}

test('the TCP server answers SKVER and keeps the stick state across connections', async () => {
  const server = await serveTcp('tcp://127.0.0.1:0', { sim: { timeScale: 0.001 } });
  assert.match(server.address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await tcpExchange(server.address, 'SKVER\r\n', 'OK\r\n'), 'SKVER\r\nEVER 1.2.10\r\nOK\r\n');
  await tcpExchange(server.address, 'SKSREG SFE 0\r\n', 'OK\r\n');
  assert.equal(await tcpExchange(server.address, 'SKVER\r\n', 'OK\r\n'), 'EVER 1.2.10\r\nOK\r\n', 'echo stays off');
  await server.close();
});

test('simulate --listen on an address in use is a usage error (exit 2, as serve --listen), naming it', async (t) => {
  const first = await serveTcp('tcp://127.0.0.1:0', { sim: { timeScale: 0.001 } });
  t.after(() => first.close());
  await assert.rejects(serveTcp(first.address), (err: unknown) => {
    assert.ok(isBmeterError(err, 'USAGE'));
    assert.equal(err.exitCode, 2);
    assert.equal(
      err.message,
      `cannot listen on ${first.address}: the address is in use (another bmeter simulate?); choose another --listen`,
    );
    return true;
  });
});

test('simulate --listen refuses a port outside 0–65535 as a usage error, not a raw Node message', async () => {
  for (const url of ['tcp://127.0.0.1:99999', 'tcp://127.0.0.1:65536', 'tcp://127.0.0.1:123456']) {
    await assert.rejects(serveTcp(url), {
      code: 'USAGE',
      message: `--listen expects tcp://host:port (port 0–65535), got "${url}"`,
    });
  }
});

const socat = existsSync('/usr/bin/socat');

test(
  'the pty server answers SKVER through the serialport package, twice in a row',
  { skip: socat ? false : 'socat is not installed' },
  async () => {
    const path = `/tmp/bmeter-sim-test-${process.pid}`;
    const server = await servePty(path, { sim: { dialect: 'dual', timeScale: 0.001 } });
    try {
      for (let run = 0; run < 2; run++) {
        const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
        await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
        let out = '';
        port.on('data', (d: Buffer) => {
          out += d.toString('latin1');
        });
        port.write('SKVER\r\n');
        assert.equal(await until(() => out, 'OK\r\n'), 'SKVER\r\nEVER 1.5.2\r\nOK\r\n');
        await new Promise<void>((resolve) => port.close(() => resolve()));
      }
    } finally {
      await server.close();
    }
    assert.equal(existsSync(path), false, 'socat removed its link');
  },
);

test('the pty server stops its socat when the pty pair cannot be opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-fake-socat-'));
  try {
    // Reports success, but makes directories where the pty links should be: opening them fails.
    const fake = join(dir, 'socat');
    writeFileSync(
      fake,
      '#!/bin/sh\np="${3#*link=}"\nmkdir "$p" "$p.sim"\necho $$ > "$p.pid"\necho "starting data transfer" >&2\nexec sleep 30\n',
      { mode: 0o755 },
    );
    const path = join(dir, 'pty');
    await assert.rejects(
      servePty(path, { socat: fake }),
      (err: unknown) => err instanceof BmeterError && err.code === 'PORT',
    );
    const pid = Number(readFileSync(`${path}.pid`, 'utf8'));
    await until(() => {
      try {
        process.kill(pid, 0);
        return '';
      } catch {
        return 'gone';
      }
    }, 'gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bmeter simulate prints where it listens and the demo credentials, and stops on the abort signal', async () => {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const abort = new AbortController();
  const ctx = {
    io: {
      stdout: new PassThrough(),
      stderr,
      stdin: new PassThrough(),
      env: {},
      cwd: process.cwd(),
      stderrIsTTY: false,
    },
    signal: abort.signal,
    now: () => new Date(),
    logger: () => {
      throw new Error('not used');
    },
  } as unknown as CliContext;
  const program = new Command('bmeter').exitOverride();
  program.option('--dialect <dialect>');
  register(program, ctx);
  const done = program.parseAsync([
    'node',
    'bmeter',
    'simulate',
    '--listen',
    'tcp://127.0.0.1:0',
    '--dialect',
    'dual',
    '--find-at',
    '6',
    '--faults',
    'drop@2',
  ]);
  try {
    const text = await until(() => err, 'stop with Ctrl-C');
    assert.match(text, /bp35c2 \(dual-stack\)/);
    assert.match(text, /BMETER_ROUTEB_ID=00000000000000000000DEM0B0000001 BMETER_ROUTEB_PASSWORD=DEM0PASSW0RD/);
    const address = /listening on (tcp:\/\/\S+)/.exec(text)?.[1] ?? '';
    assert.equal(await tcpExchange(address, 'SKVER\r\n', 'OK\r\n'), 'SKVER\r\nEVER 1.5.2\r\nOK\r\n');
  } finally {
    abort.abort(); // also on a failed assertion, so the listening server does not keep the run alive
  }
  await done;
  assert.match(err, /stopped/);
});
