import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_SCHEMES } from '../../src/cli/schemes.js';
import { openTransport } from '../../src/transport/open.js';

describe('openTransport', () => {
  it('hands sim:// to the scheme the CLI registers, the built-in simulator, loaded only when asked for', async () => {
    const t = await openTransport('sim://', { schemes: CLI_SCHEMES });
    assert.equal(t.description, 'sim://');
    let out = '';
    t.onData((chunk) => {
      out += chunk.toString('latin1');
    });
    await t.write('SKVER\r\n');
    for (let i = 0; i < 300 && !out.includes('OK\r\n'); i++) await new Promise((r) => setTimeout(r, 10));
    // a fresh simulated stick: echo on, single-stack BP35A1 firmware (EVER 1.2.10)
    assert.equal(out, 'SKVER\r\nEVER 1.2.10\r\nOK\r\n');
    await t.close();
  });

  it('refuses sim:// when no one registered it, naming the schemes it knows', async () => {
    await assert.rejects(
      openTransport('sim://'),
      (err: unknown) => err instanceof Error && /unknown port scheme.*tcp:\/\//.test(err.message),
    );
  });
});
