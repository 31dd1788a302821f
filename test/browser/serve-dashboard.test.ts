/**
 * The dashboard in real headless Chromium against the real `bmeter serve` (bin/bmeter.js, Node with
 * node:sqlite) reading the built-in simulator (sim://, real clock) into a real SQLite file. The power
 * the page must show comes from the bytes the simulated meter sent (trace log, E7 s32 W), the bar
 * count from the half hours the store was backfilled with, both worked out by hand here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { meterAnswers } from '../e2e/helpers/meter-answer.js';
import { freePort } from '../e2e/helpers/mosquitto.js';
import { describeRun } from '../e2e/helpers/run-bmeter.js';
import { scanned } from '../e2e/helpers/scanned.js';
import { NEEDS_SERVE_NODE, SERVE_NODE } from '../e2e/helpers/serve-node.js';
import { startServe, waitFor } from '../e2e/helpers/serve-process.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';
import { errorsBesideServerDown, openDashboard } from './helpers/dashboard-browser.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const PAIR_ID = SIM_DEMO_ROUTEB_ID.slice(-8); // 'B0000001'
const SIM = 'sim://?meterMac=001C640003DD6393';
const HALF_HOUR_MS = 1_800_000;
const JST_MS = 9 * 3_600_000;

/** Half hours of today (Japan) after 00:00 that have ended by `ms`: 05:36 JST → 11. */
function slotsToday(ms: number): number {
  const sinceMidnight = (ms + JST_MS) % 86_400_000;
  return Math.floor(sinceMidnight / HALF_HOUR_MS);
}

/** The E7 values (W) of every Get_Res the meter sent that carried E7, in order. */
function powersSent(stderr: string): number[] {
  return meterAnswers(stderr).flatMap((a) => {
    const e7 = a.get(0xe7);
    return e7 === undefined ? [] : [e7.readInt32BE(0)];
  });
}

/** The page's number format (en-US): 1234 → "1,234". */
const shownAs = (w: number): string => String(w).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

test(
  'the dashboard on a real serve shows the power the meter sent, follows its next reading, draws the backfilled half hours, leaks no secret, and follows a restart of serve',
  { skip: NEEDS_SERVE_NODE, timeout: 120_000 },
  async (t) => {
    const dir = tempDirFor(t);
    const opts = { env: CREDENTIALS, cwd: dir.path, ...(SERVE_NODE !== undefined && { node: SERVE_NODE }) };
    const common = await scanned(dir, SIM);

    const slotsAtStart = slotsToday(Date.now());
    const port = await freePort(); // the same port again for the restart at the end
    const serveArgs = [
      ...common,
      ...['--db', dir.file('bmeter.db'), '--interval', '0.4', '--history-days', '2', '--log-level', 'trace'],
    ];
    const serve = startServe(t, serveArgs, { ...opts, port });
    const base = await serve.baseUrl();
    await serve.until(
      'a reading and the backfill',
      () => serve.printed().length >= 1 && serve.proc.stderr().includes('half-hour record fetched'),
    );

    const session = await openDashboard(base);
    t.after(() => session.close());
    const shown = async (): Promise<string | null> => session.page.textContent('#power-value');
    const detail = (): string =>
      `page shows ${String(session.errors)}; meter sent ${powersSent(serve.proc.stderr()).join(' ')}`;

    // The latest power the meter sent, then a different one after a later reading, without a reload.
    await waitFor(
      'the latest power on the page',
      async () => {
        const last = powersSent(serve.proc.stderr()).at(-1);
        return last !== undefined && (await shown()) === shownAs(last);
      },
      20_000,
      detail,
    );
    const first = await shown();
    const answersSoFar = powersSent(serve.proc.stderr()).length;
    await waitFor(
      'a changed power after the next reading',
      async () => {
        const sent = powersSent(serve.proc.stderr());
        const last = sent.at(-1);
        return (
          sent.length > answersSoFar &&
          last !== undefined &&
          shownAs(last) !== first &&
          (await shown()) === shownAs(last)
        );
      },
      30_000,
      detail,
    );

    // Yesterday 00:30 … 23:30 (47 half hours) and today 00:00 … the last ended one, import and
    // export (0 W sold: the simulated meter has no PV) each: two values per half hour.
    const slotsNow = slotsToday(Date.now());
    const bars = Number(await session.page.getAttribute('#half-hour-chart', 'data-points'));
    const rows = await session.page.$$eval('#half-hour-table tbody tr', (trs) => trs.length);
    const allowed = new Set([48 + slotsAtStart, 48 + slotsNow]); // a half hour may end during the test
    assert.ok(allowed.has(rows), `${rows} half-hour rows, expected one of ${[...allowed].join(', ')}`);
    assert.equal(bars, 2 * rows, 'an import and an export bar per half hour');

    assert.deepEqual(session.errors, [], 'no console errors');
    const fetched = await session.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(
      fetched.some((url) => url.startsWith(`${base}/assets/`)),
      'the page loaded its assets',
    );
    const elsewhere = fetched.filter((url) => !url.startsWith(`${base}/`));
    assert.deepEqual(elsewhere, [], 'everything comes from serve itself (no CDN)');
    const shot = await session.screenshot('serve-dashboard.png');
    assert.ok(shot.endsWith('serve-dashboard.png'));

    // Neither the page, its assets, nor any API answer holds the Route-B ID, password or PairID.
    const html = await (await fetch(`${base}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(assets.length >= 2, 'the page links its script and style');
    const paths = ['/api/latest', '/api/readings', '/api/half-hours', '/api/daily', '/healthz', '/metrics', ...assets];
    const texts = [html, await session.page.content()];
    for (const path of paths) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      texts.push(await res.text());
    }
    for (const text of texts) {
      for (const secret of [SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD, PAIR_ID]) {
        assert.ok(!text.includes(secret), `a page or API answer holds ${secret}`);
      }
    }

    // serve stops (the page says so) and starts again on the same port: the page, not reloaded,
    // shows the power the new process's meter sends.
    const stopped = await serve.proc.stop(15_000);
    assert.equal(stopped.code, 0, describeRun(stopped));
    await waitFor('the link state after serve stopped', async () =>
      ['stopped', 'reconnecting'].includes(String(await session.page.getAttribute('#link-state', 'data-state'))),
    );
    const again = startServe(t, serveArgs, { ...opts, port });
    await waitFor(
      'the power of the restarted serve on the page',
      async () => {
        const last = powersSent(again.proc.stderr()).at(-1);
        return last !== undefined && (await shown()) === shownAs(last);
      },
      30_000,
      () => again.proc.stderr().slice(-2000),
    );
    await waitFor(
      'the link state up again',
      async () => (await session.page.getAttribute('#link-state', 'data-state')) === 'up',
      15_000,
    );
    // While serve was down the browser logged the cut stream and its refused reconnections (a loaded machine
    // may take a retry or two to start serve again); the page itself, nothing.
    assert.deepEqual(errorsBesideServerDown(session), [], 'no console errors across the restart');
  },
);
