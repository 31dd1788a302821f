/**
 * The dashboard in real headless Chromium against the API test double (test/fixtures/fake-api.ts),
 * which serves the real dashboardRoutes() and data written here by hand.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startFakeApi, type FakeApi, type FakeHalfHour } from '../fixtures/fake-api.js';
import {
  errorsBesideServerDown,
  openDashboard,
  POLL_MS,
  scrollWidth,
  waitForNumber,
  waitForText,
  waitForWidthAtMost,
  type DashboardSession,
} from './helpers/dashboard-browser.js';

const HALF_HOUR_MS = 1_800_000;
const JST_MS = 9 * 3_600_000;

function iso(ms: number): string {
  return `${new Date(ms + JST_MS).toISOString().slice(0, 19)}+09:00`;
}

/** Six half hours of today, Japan time: 00:30 … 03:00; export in the last two. */
function todaysHalfHours(): FakeHalfHour[] {
  const midnight = Math.floor((Date.now() + JST_MS) / 86_400_000) * 86_400_000 - JST_MS;
  const kwh = [0.4, 0.3, 0.25, 0.2, 0.1, 0.05];
  return kwh.map((consumed, i) => ({
    slot_start: iso(midnight + (i + 1) * HALF_HOUR_MS),
    consumed_kwh: consumed,
    exported_kwh: i >= 4 ? 0.3 : 0,
  }));
}

/** A suite fails after this long instead of waiting for ever on a Chromium that died. */
const SUITE_TIMEOUT = { timeout: 60_000 };

describe('dashboard with readings in the store', SUITE_TIMEOUT, () => {
  let api: FakeApi;
  let session: DashboardSession;
  before(async () => {
    api = await startFakeApi();
    const now = Date.now();
    for (let i = 10; i >= 1; i--) {
      api.readings.push({ timestamp: iso(now - i * 30_000), power_w: 1000 + i, current_r_a: 5, current_t_a: 3 });
    }
    api.readings.push({ timestamp: iso(now - 1000), power_w: 1234, current_r_a: 12.5, current_t_a: 8 });
    api.halfHours.push(...todaysHalfHours());
    session = await openDashboard(api.baseUrl);
  });
  after(async () => {
    await session?.close();
    await api?.close();
  });

  test('shows the latest power and both currents', async () => {
    assert.equal(await session.page.textContent('#power-value'), '1,234');
    assert.equal(await session.page.textContent('#current-r'), '12.5 A');
    assert.equal(await session.page.textContent('#current-t'), '8 A');
  });

  test('draws every reading of the last 24 h in the power chart (import and export series)', async () => {
    // 11 readings, each drawn in both the import and the export series (one of them at zero)
    assert.equal(await session.page.getAttribute('#power-chart', 'data-points'), '22');
  });

  test('shows the half-hour bars of today as chart values and as table rows', async () => {
    // 6 half hours × (import + export) = 12 bars
    assert.equal(await session.page.getAttribute('#half-hour-chart', 'data-points'), '12');
    const rows = await session.page.$$eval('#half-hour-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.equal(rows.length, 6);
    assert.match(rows[0] ?? '', /00:30.*0\.4/);
    assert.equal(await session.page.getAttribute('#daily-chart', 'data-points'), '2');
  });

  test("shows this month's energy from the daily sums", async () => {
    assert.equal(await session.page.textContent('#month-bought'), '1.3 kWh');
    assert.equal(await session.page.textContent('#month-sold'), '0.6 kWh');
  });

  test('changes the power after a reading on the event stream, export in the export colour', async () => {
    await waitFor(() => api.streams() > 0);
    api.pushReading({ timestamp: iso(Date.now()), power_w: -560, current_r_a: 2.5, current_t_a: 0.5 });
    await waitForText(session.page, '#power-value', '-560');
    assert.equal(await session.page.getAttribute('#power-value', 'class'), 'export');
    assert.equal(await session.page.getAttribute('#power-chart', 'data-points'), '24');
  });

  test('a dragged zoom on the power chart stays while readings arrive; a double-click zooms out', async () => {
    const chart = session.page.locator('#power-chart');
    const xMin = async (): Promise<number> => Number(await chart.getAttribute('data-x-min'));
    const full = await xMin();
    const box = await session.page.locator('#power-chart .u-over').boundingBox();
    assert.ok(box !== null);
    await session.page.mouse.move(box.x + box.width * 0.9, box.y + 40);
    await session.page.mouse.down();
    await session.page.mouse.move(box.x + box.width * 0.99, box.y + 40, { steps: 4 });
    await session.page.mouse.up();
    await waitForNumber(session.page, '#power-chart', 'data-x-min', full + 3600);
    const zoomed = await xMin();
    api.pushReading({ timestamp: iso(Date.now()), power_w: -580, current_r_a: 2.6, current_t_a: 0.5 });
    await waitForText(session.page, '#power-value', '-580');
    assert.equal(await xMin(), zoomed);
    await session.page.locator('#power-chart .u-over').dblclick();
    await session.page.waitForFunction(
      ([z]) =>
        Number(
          (
            globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string } } }
          ).document
            .querySelector('#power-chart')
            .getAttribute('data-x-min'),
        ) < z,
      [zoomed] as const,
      { polling: POLL_MS },
    );
    assert.ok(Math.abs((await xMin()) - full) < 120, 'back to the 24 h range');
  });

  test('shows the link state from status events', async () => {
    api.pushStatus('recovering', 40);
    await waitForText(session.page, '#link-state', 'recovering');
    api.pushStatus('up', 2);
    await waitForText(session.page, '#link-state', 'link up');
  });

  test('has no console errors, and a screenshot is kept', async () => {
    const path = await session.screenshot('dashboard.png');
    assert.ok(existsSync(path));
    assert.deepEqual(session.errors, []);
  });

  test('fits a phone screen: no sideways scrolling at 390 px', async () => {
    await session.page.setViewportSize({ width: 390, height: 844 });
    await waitForWidthAtMost(session.page, '#power-chart canvas', 390);
    const width = await scrollWidth(session.page);
    assert.ok(width <= 390, `page is ${width} px wide`);
    await session.screenshot('dashboard-phone.png');
    await session.page.setViewportSize({ width: 1100, height: 900 });
  });

  test('says it is reconnecting while the server is down and recovers when it is back', async () => {
    await api.stop();
    await waitForText(session.page, '#link-state', 'reconnecting…');
    await api.restart();
    await waitFor(() => api.streams() > 0, 10_000);
    api.pushStatus('up', 1);
    await waitForText(session.page, '#link-state', 'link up');
    // The browser reports the dropped stream and the refused reconnections, nothing else.
    assert.deepEqual(errorsBesideServerDown(session), []);
  });
});

describe('dashboard on an empty store', SUITE_TIMEOUT, () => {
  test('shows the empty state, then the data once the first reading arrives', async (t) => {
    // Closed after the test whatever fails, opening the page included: a listening API left open would keep
    // the test process alive.
    const api = await startFakeApi();
    t.after(() => api.close());
    const phone = { locale: 'ja-JP', viewport: { width: 390, height: 844 } };
    const session = await openDashboard(api.baseUrl, phone);
    t.after(() => session.close());
    assert.equal(await session.page.isVisible('#empty'), true);
    assert.equal(await session.page.textContent('#empty h2'), 'まだデータがありません');
    assert.equal(await session.page.isVisible('#power-chart'), false);
    await session.screenshot('dashboard-empty-ja-phone.png');
    await waitFor(() => api.streams() > 0);
    api.pushReading({ timestamp: iso(Date.now()), power_w: 321, current_r_a: 3, current_t_a: null });
    await waitForText(session.page, '#power-value', '321');
    assert.equal(await session.page.isVisible('#empty'), false);
    assert.equal(await session.page.textContent('#current-t'), '—');
    assert.deepEqual(session.errors, []);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
