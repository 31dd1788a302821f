/**
 * `GET /api/events` of a real `bmeter serve` (Node with node:sqlite) on the built-in simulator: a
 * plain HTTP client reads the server-sent events while serve reads the meter, then serve gets
 * SIGTERM. Expected: one `reading` event per printed record, equal to it, and a last `status`
 * event saying `stopped` before the connection closes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { describeRun } from './helpers/run-bmeter.js';
import { NEEDS_SERVE_NODE, SERVE_NODE } from './helpers/serve-node.js';
import { scanned } from './helpers/scanned.js';
import { startServe, waitFor } from './helpers/serve-process.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const RUN = { env: CREDENTIALS, ...(SERVE_NODE !== undefined && { node: SERVE_NODE }) };

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The events of a text/event-stream body so far (`event:` + `data:` blocks; comments skipped). */
function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => !l.startsWith(':')))
    .filter((lines) => lines.length === 2)
    .map(([event = '', data = '']) => ({
      event: event.replace(/^event: /, ''),
      data: JSON.parse(data.replace(/^data: /, '')) as Record<string, unknown>,
    }));
}

test(
  'serve: /api/events sends every printed record as a reading event and `stopped` as its last status on SIGTERM, then ends the stream cleanly',
  { skip: NEEDS_SERVE_NODE, timeout: 60_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const common = await scanned(dir, 'sim://');
    const serve = startServe(t, [...common, '--interval', '0.5', '--history-days', '1', '-v'], {
      ...RUN,
      cwd: dir.path,
    });
    const base = await serve.baseUrl();

    let body = '';
    let ended = false;
    const req = get(`${base}/api/events`, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (ended = true)); // the last chunk came: not cut off
    });
    t.after(() => req.destroy());
    await serve.until('two reading events', () => parseEvents(body).filter((e) => e.event === 'reading').length >= 2);

    const stopped = await serve.proc.stop(10_000);
    assert.equal(stopped.code, 0, describeRun(stopped));
    await waitFor('a clean end of the event stream with serve', () => ended, 10_000);
    const events = parseEvents(body);
    const readings = events.filter((e) => e.event === 'reading').map((e) => e.data);
    const printed = serve.printed();
    // The stream opened after the first records: it carries the printed records from its first one on.
    const firstAt = printed.findIndex((r) => r['timestamp'] === readings[0]?.['timestamp']);
    assert.ok(firstAt >= 0, 'the first reading event is a printed record');
    assert.deepEqual(readings, printed.slice(firstAt), 'one reading event per printed record, equal to it');
    // The same field order as the printed line and the API: meter first.
    assert.deepEqual(Object.keys(readings[0] ?? {}), Object.keys(printed[firstAt] ?? {}));
    assert.equal(Object.keys(readings[0] ?? {})[0], 'meter');
    assert.deepEqual(events.at(-1)?.event, 'status');
    assert.equal(events.at(-1)?.data['state'], 'stopped', 'the last status says serve stopped');
    for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID.slice(-8)])
      assert.ok(!body.includes(secret), `the event stream holds ${secret}`);
  },
);
