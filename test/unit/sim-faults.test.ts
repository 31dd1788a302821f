import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector, parseFaults } from '../../src/sim/faults.js';
import { parseSimUrl, resolveSimOptions } from '../../src/sim/options.js';
import { seededRandom } from '../../src/sim/random.js';
import { BmeterError } from '../../src/errors.js';
import { StickHarness } from './sim-harness.js';

test('the compact fault grammar schedules request faults, SNA, command failures and fragmentation', () => {
  const plan = parseFaults(
    'drop@3,event29@5,event26@7,sna:E8@9,garbage@2,fail:SKJOIN@1,fragment:4,event32@10-12,drop@20+',
  );
  const f = new FaultInjector(plan, 0, seededRandom(1));
  assert.deepEqual(f.forRequest(1), { drop: false, garbage: false, session: null, snaEpcs: [] });
  assert.equal(f.forRequest(2).garbage, true);
  assert.equal(f.forRequest(3).drop, true);
  assert.equal(f.forRequest(5).session, 'event29');
  assert.equal(f.forRequest(7).session, 'event26');
  assert.deepEqual(f.forRequest(9).snaEpcs, [0xe8]);
  assert.equal(f.forRequest(11).session, 'event32');
  assert.equal(f.forRequest(13).session, null);
  assert.equal(f.forRequest(99).drop, true);
  assert.equal(f.fragment, 4);
  assert.equal(f.commandFailure('SKJOIN'), 'ER10');
  assert.equal(f.commandFailure('SKJOIN'), null);
});

test('invalid fault items are usage errors naming the item', () => {
  for (const bad of ['explode@1', 'drop@x', 'sna:Z1', 'fail:SKJOIN:E10', 'fragment:0', 'findAt:15']) {
    assert.throws(
      () => parseFaults(bad),
      (err: unknown) => err instanceof BmeterError && err.code === 'USAGE' && err.message.includes(bad),
    );
  }
});

test('random mode with a seed picks the same faults every time', () => {
  const run = () => {
    const f = new FaultInjector(parseFaults(''), 0.3, seededRandom(42));
    return Array.from({ length: 50 }, (_, i) => JSON.stringify(f.forRequest(i + 1)));
  };
  const a = run();
  assert.deepEqual(a, run());
  const faulty = a.filter((s) => s.includes('true') || !s.includes('"session":null')).length;
  assert.ok(faulty > 5 && faulty < 30, `${faulty} of 50`);
});

test('sim:// URLs carry the options, and findAt can come from the fault list', () => {
  const o = resolveSimOptions(
    parseSimUrl(
      'sim://?dialect=dual&erxudp=binary&timeScale=0.5&rttMs=7&faults=drop@2,findAt:6&seed=9&neighbours=1&coefficient=none',
    ),
  );
  assert.equal(o.dialect, 'dual');
  assert.equal(o.model, 'bp35c2');
  assert.equal(o.erxudp, 'binary');
  assert.equal(o.timeScale, 0.5);
  assert.equal(o.rttMs, 7);
  assert.equal(o.findAt, 6);
  assert.equal(o.seed, 9);
  assert.equal(o.neighbours, 1);
  assert.equal(o.coefficient, null);
  assert.equal(resolveSimOptions(parseSimUrl('sim://')).dialect, 'single');
  assert.equal(resolveSimOptions(parseSimUrl('sim:?model=rl7023-ips')).erxudp, 'hex', 'D/IPS is hex-only');
  assert.throws(
    () => parseSimUrl('sim://?nope=1'),
    /^BmeterError: unknown sim option "nope": the options are dialect, .*findAt/,
  );
  assert.equal(resolveSimOptions(parseSimUrl('sim://?model=bp35c2&dialect=dual')).dialect, 'dual', 'they agree');
  for (const [url, message] of [
    ['sim://?model=bp35c2&dialect=single', 'model bp35c2 is a dual-stack stick: dialect single contradicts it'],
    ['sim://?model=rl7023-ips&dialect=dual', 'model rl7023-ips is a single-stack stick: dialect dual contradicts it'],
    [
      'sim://?model=rl7023-ips&erxudp=binary',
      'model rl7023-ips prints ERXUDP in hex only: erxudp binary contradicts it',
    ],
  ] as const) {
    assert.throws(() => resolveSimOptions(parseSimUrl(url)), {
      code: 'USAGE',
      message: `invalid simulator options: ${message} (leave one out)`,
    });
  }
});

test('fragmented output arrives in many small chunks that join to the same bytes', async () => {
  const h = new StickHarness({ faults: parseFaults('fragment:3') });
  // Waits for both OKs rather than a fixed 20 ms: a loaded CI machine may take longer for 20+ chunks.
  h.send('SKVER\r\nSKINFO\r\n');
  const out = await h.until((o) => o.split('OK\r\n').length === 3);
  assert.ok(out.startsWith('SKVER\r\nEVER 1.2.10\r\nOK\r\nSKINFO\r\nEINFO '));
  assert.ok(h.chunks.length > 20 && h.chunks.every((c) => c.length <= 3));
  h.dispose();
});
