/**
 * Opens the dashboard at any base URL in real headless Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core): against the API test double here, against a real `bmeter serve` later.
 * Collects console errors and uncaught page errors so a test can assert there were none.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The page's document as the functions run in the page see it (this code compiles without the DOM lib). */
type PageGlobal = { document: { querySelector(s: string): { textContent: string | null } | null } };

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

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

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

/** Launches Chromium and opens `${baseUrl}/`. */
export async function openDashboard(baseUrl: string, options: OpenOptions = {}): Promise<DashboardSession> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
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
  await page.goto(`${baseUrl}/`);
  if (options.waitReady !== false) await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
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
    close: () => browser.close(),
  };
}

/** Waits until the element's text is exactly `text` (fails after 10 s). */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([s, t]) => (globalThis as unknown as PageGlobal).document.querySelector(s)?.textContent === t,
    [selector, text] as const,
    { timeout: 10_000 },
  );
}
