/**
 * Guards the radio cost of a reading: with the default properties every reading is
 * exactly one ECHONET Lite request — one SKSENDTO — including the first of a process, whose one
 * Get frame also carries D3/D7/E1 (src/meter/record.ts); a cron run on the session the
 * stick kept is one SKSENDTO in all. Counts, not timings: the sim's clock is scaled down.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { decodeFrame } from '../../src/echonet/frame.js';
import { silentLogger } from '../../src/log/logger.js';
import { SimStick, attachSimTransport } from '../../src/sim/transport.js';
import { runPoll, type PollOptions } from '../../src/poll/poll.js';
import { parsePropertyList } from '../../src/meter/record.js';
import { writeSimScanFile } from '../fixtures/sim-meter-rig.js';

const DEFAULT_EPCS = ['E7', 'E8', 'E0', 'E3', 'EA', 'EB'];
const CONTEXT_EPCS = ['D3', 'D7', 'E1'];
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Rig {
  /** The EPCs of every ECHONET request the stick sent to the meter, in order. */
  requests: string[][];
  options: (over?: Partial<PollOptions>) => PollOptions;
  records: Record<string, unknown>[];
}

async function rig(): Promise<Rig> {
  const stick = new SimStick({ timeScale: 0.0005, rttMs: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-round-trips-'));
  cleanups.push(
    () => stick.dispose(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const requests: string[][] = [];
  const session = stick.session as unknown as {
    send: (dest: string, port: number, sec: number, data: Buffer) => string | null;
  };
  const send = session.send.bind(session);
  session.send = (dest, port, sec, data) => {
    requests.push(decodeFrame(data).properties.map((p) => p.epc.toString(16).toUpperCase()));
    return send(dest, port, sec, data);
  };
  const o = stick.options;
  const scanFile = await writeSimScanFile(stick, dir);
  const config = configSchema.parse({
    port: 'sim://test',
    scanFile,
    timeouts: { commandMs: 5000, joinMs: 10_000, responseMs: 5000 }, // only a hang waits these out
  });
  const records: Record<string, unknown>[] = [];
  const options = (over: Partial<PollOptions> = {}): PollOptions => ({
    config,
    creds: { id: o.routeBId, password: o.password },
    properties: parsePropertyList(config.poll.properties),
    sink: { closed: false, write: async (r) => void records.push(r) },
    logger: silentLogger(),
    signal: new AbortController().signal,
    now: () => new Date(),
    openPort: async () => attachSimTransport(stick, 'sim://test', false),
    ...over,
  });
  return { requests, options, records };
}

describe('round trips per reading', () => {
  it('the default properties are read with exactly one request per reading, the first one included', async () => {
    const r = await rig();
    const summary = await runPoll(r.options({ intervalSeconds: 0, count: 5 }));
    assert.equal(summary.readings, 5);
    assert.equal(r.requests.length, 5, `expected 5 SKSENDTO for 5 readings, got ${r.requests.length}`);
    assert.deepEqual(r.requests[0], [...DEFAULT_EPCS, ...CONTEXT_EPCS]);
    for (const epcs of r.requests.slice(1)) assert.deepEqual(epcs, DEFAULT_EPCS);
    assert.equal(r.records.filter((x) => x['source'] === 'poll').length, 5);
  });

  it('a cron poll costs one request whether it joins or reads on the session the stick kept', async () => {
    const r = await rig();
    const first = await runPoll(r.options());
    assert.equal(first.joined, true);
    assert.equal(r.requests.length, 1);
    const second = await runPoll(r.options());
    assert.equal(second.joined, false, 'the second run should read on the kept PANA session');
    assert.equal(r.requests.length, 2);
    assert.deepEqual(r.requests[1], [...DEFAULT_EPCS, ...CONTEXT_EPCS]);
  });
});
