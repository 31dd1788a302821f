/**
 * Opens the dashboard at any base URL in real headless Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core): against the API test double here, against a real `bmeter serve` later.
 * Collects console errors and uncaught page errors so a test can assert there were none.
 * One Chromium serves every session of a test process (each session gets its own context: cookies,
 * storage, locale), launched on first use and closed after the process's last test: a launch costs
 * about a second of CPU, and the browser test files share a process (scripts/run-tests.mjs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { repoPath } from '../../fixtures/repo-root.js';

/** The page's document as the functions run in the page see it (this code compiles without the DOM lib). */
type PageElement = { textContent: string | null; clientWidth: number; getAttribute(name: string): string | null };
type PageGlobal = {
  document: { querySelector(s: string): PageElement | null; documentElement: { scrollWidth: number } };
};

/**
 * playwright-core by require(): imported as an ES module, Node first runs its CommonJS export lexer over all of
 * playwright-core (~0.2 s more CPU per test process).
 */
const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');

/** The Chromium the tests drive (the Debian package; .ci/run installs it). */
export const CHROMIUM_PATH = process.env['BMETER_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where screenshots go (git-ignored): test-artifacts/ in the checkout, also when run from .test-build. */
export const ARTIFACTS = repoPath('test-artifacts');

/** A browser with one page open on the dashboard. */
export interface DashboardSession {
  browser: Browser;
  page: Page;
  /** console.error lines and uncaught errors seen so far */
  errors: string[];
  /** Saves a full-page PNG in test-artifacts/ and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Options: the browser's language (navigator.language) and viewport (a phone is 390 × 844). */
export interface OpenOptions {
  locale?: string;
  viewport?: { width: number; height: number };
  /** wait until the page says it has drawn its first data (body[data-ready]) — default true */
  waitReady?: boolean;
}

/**
 * How often the waits below ask the page (ms). Playwright's default asks at every animation frame, which keeps
 * the headless renderer drawing 60 frames a second for as long as a wait lasts: the longer a loaded machine
 * makes a wait, the more CPU it takes from everything else.
 */
export const POLL_MS = 50;
let chromiumStarted: Promise<Browser> | undefined;

/** The headless Chromium of this test process, launched on the first call. */
export function sharedChromium(): Promise<Browser> {
  chromiumStarted ??= chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
  return chromiumStarted;
}

// A hook of the whole process (this module is imported at the top level of a test file): after its last test.
after(async () => {
  if (chromiumStarted !== undefined) await (await chromiumStarted).close();
});

/**
 * Opens `${baseUrl}/` in a new context of this process's Chromium; close() closes the context. A page that does not
 * load or get ready in 15 s throws, its context closed.
 */
export async function openDashboard(baseUrl: string, options: OpenOptions = {}): Promise<DashboardSession> {
  const browser = await sharedChromium();
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1100, height: 900 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  try {
    await page.goto(`${baseUrl}/`);
    if (options.waitReady !== false) await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  } catch (err) {
    await context.close(); // the caller gets no session to close
    throw err;
  }
  return {
    browser,
    page,
    errors,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, name);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

/**
 * The console errors of a session but those the browser itself logs while the server is down: the event stream
 * cut off (ERR_INCOMPLETE_CHUNKED_ENCODING) and each reconnection refused (ERR_CONNECTION_REFUSED). How many of
 * the latter come depends on how long the restart takes; the page's own errors all stay.
 */
export function errorsBesideServerDown(session: DashboardSession): string[] {
  return session.errors.filter((e) => !/ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONNECTION_REFUSED/.test(e));
}

/** Waits until the element's text is exactly `text` (fails after 10 s). */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([s, t]) => (globalThis as unknown as PageGlobal).document.querySelector(s)?.textContent === t,
    [selector, text] as const,
    { timeout: 10_000, polling: POLL_MS },
  );
}

/**
 * Waits until a numeric attribute of the element is at least `least` (fails after `timeoutMs`).
 * Functions, not strings, are run in the page: the page's CSP forbids eval.
 */
export async function waitForNumber(
  page: Page,
  selector: string,
  attribute: string,
  least: number,
  timeoutMs = 10_000,
): Promise<void> {
  await page.waitForFunction(
    ([s, a, n]) => Number((globalThis as unknown as PageGlobal).document.querySelector(s)?.getAttribute(a)) >= n,
    [selector, attribute, least] as const,
    { timeout: timeoutMs, polling: POLL_MS },
  );
}

/** Waits until the element is at most `width` px wide (a chart after a resize). */
export async function waitForWidthAtMost(page: Page, selector: string, width: number): Promise<void> {
  await page.waitForFunction(
    ([s, w]) => ((globalThis as unknown as PageGlobal).document.querySelector(s)?.clientWidth ?? Infinity) <= w,
    [selector, width] as const,
  );
}

/** The page's scroll width in px (wider than the viewport = sideways scrolling). */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobal).document.documentElement.scrollWidth);
}

/** When a performance mark or paint entry happened, ms from navigation start (NaN if never). */
export function entryTime(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN, name);
}

/** Resolves after the page's next animation frame. */
export function nextFrame(page: Page): Promise<unknown> {
  type Frames = { requestAnimationFrame(fn: () => void): number };
  return page.evaluate(
    () => new Promise((resolve) => (globalThis as unknown as Frames).requestAnimationFrame(() => resolve(0))),
  );
}
