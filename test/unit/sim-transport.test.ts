import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSimTransport, SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID, SimStick } from '../../src/sim/transport.js';
import type { Transport } from '../../src/transport/transport.js';

function collect(t: Transport): { text: () => string; until: (s: string) => Promise<string> } {
  let out = '';
  t.onData((chunk) => {
    out += chunk.toString('latin1');
  });
  return {
    text: () => out,
    until: async (s) => {
      const start = Date.now();
      while (!out.includes(s)) {
        if (Date.now() - start > 3000) throw new Error(`timeout; got ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 2));
      }
      return out;
    },
  };
}

test('the demo credentials are a 32-character Route-B ID and a 12-character password', () => {
  assert.equal(SIM_DEMO_ROUTEB_ID.length, 32);
  assert.equal(SIM_DEMO_PASSWORD.length, 12);
});

test('openSimTransport gives a fresh stick that answers SKVER in the chosen dialect', async () => {
  const t = await openSimTransport('sim://?dialect=dual');
  const c = collect(t);
  await t.write('SKVER\r\n');
  assert.equal(await c.until('OK\r\n'), 'SKVER\r\nEVER 1.5.2\r\nOK\r\n');
  assert.equal(t.description, 'sim://?dialect=dual');
  await t.close();
});

test('a shared stick keeps its PANA session across transports, like a powered stick between runs', async () => {
  const stick = new SimStick({ timeScale: 0.001, rttMs: 2 });
  const first = await openSimTransport('sim://', { stick });
  const c1 = collect(first);
  await first.write(
    `SKSREG SFE 0\r\nSKSETPWD C ${SIM_DEMO_PASSWORD}\r\nSKSETRBID ${SIM_DEMO_ROUTEB_ID}\r\nSKSREG S2 3B\r\nSKSREG S3 5A1B\r\nSKJOIN ${stick.meterLla}\r\n`,
  );
  await c1.until('EVENT 25');
  await first.close();
  assert.equal(stick.session.state, 'up');

  const second = await openSimTransport('sim://', { stick });
  const c2 = collect(second);
  const get = Buffer.from('1081000105FF010288016201E100', 'hex');
  await second.write(Buffer.concat([Buffer.from(`SKSENDTO 1 ${stick.meterLla} 0E1A 1 000E `), get]));
  assert.match(await c2.until('E10101\r\n'), /^EVENT 21 .* 00\r\nOK\r\nERXUDP /);
  await second.close();
  stick.dispose();
});
