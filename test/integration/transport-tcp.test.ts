import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { openTransport } from '../../src/transport/open.js';
import { parseTcpUrl } from '../../src/transport/tcp.js';
import { BmeterError } from '../../src/errors.js';

function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(onSocket);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

describe('tcp transport', () => {
  it('carries bytes both ways through a bridge on 127.0.0.1', async () => {
    let peer: Socket | undefined;
    const received: Buffer[] = [];
    const { server, port } = await listen((s) => {
      peer = s;
      s.on('data', (d) => {
        received.push(d);
        if (Buffer.concat(received).toString('latin1').endsWith('\r\n')) s.write('EVER 1.5.2\r\nOK\r\n');
      });
    });
    try {
      const t = await openTransport(`tcp://127.0.0.1:${port}`);
      assert.equal(t.description, `tcp://127.0.0.1:${port}`);
      const got: Buffer[] = [];
      t.onData((c) => got.push(c));
      await t.write('SKVER\r\n');
      for (let i = 0; i < 100 && Buffer.concat(got).length < 16; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(Buffer.concat(received).toString('latin1'), 'SKVER\r\n');
      assert.equal(Buffer.concat(got).toString('latin1'), 'EVER 1.5.2\r\nOK\r\n');
      await t.close();
    } finally {
      peer?.destroy();
      server.close();
    }
  });

  it('reports the bridge hanging up through onClose', async () => {
    const { server, port } = await listen((s) => setTimeout(() => s.destroy(), 20));
    try {
      const t = await openTransport(`tcp://127.0.0.1:${port}`);
      const err = await new Promise<Error | undefined>((resolve) => t.onClose(resolve));
      assert.ok(err instanceof Error);
      assert.equal(err.message, 'the bridge closed the connection');
      await assert.rejects(
        t.write('SKVER\r\n'),
        (e: unknown) =>
          e instanceof BmeterError && e.code === 'CLOSED' && e.message === `tcp://127.0.0.1:${port} is closed`,
      );
    } finally {
      server.close();
    }
  });

  it('turns a refused connection into a PORT error that says what to check', async () => {
    const { server, port } = await listen(() => undefined);
    await new Promise((r) => server.close(r));
    await assert.rejects(
      openTransport(`tcp://127.0.0.1:${port}`),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'PORT' &&
        err.exitCode === 5 &&
        err.message === `connection refused by tcp://127.0.0.1:${port} — is ser2net/socat listening there?`,
    );
  });

  it('rejects a malformed tcp:// address as a usage error', () => {
    assert.throws(
      () => parseTcpUrl('tcp://host'),
      (err: unknown) => err instanceof BmeterError && err.code === 'USAGE',
    );
    assert.throws(
      () => parseTcpUrl('tcp://host:99999'),
      (err: unknown) => err instanceof BmeterError && err.code === 'USAGE',
    );
    assert.deepEqual(parseTcpUrl('tcp://[::1]:4000'), { host: '::1', port: 4000 });
  });
});
