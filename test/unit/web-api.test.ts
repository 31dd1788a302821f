/** The dashboard's API client (src/web/api.ts) under Node, with fetch and location stubbed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

// src/web is type-checked with the DOM library (src/web/tsconfig.json), this test without it: imported by a
// specifier in a variable, so tsc does not follow it into `location`.
const specifier = '../../src/web/api.js';
const { allPages } = (await import(specifier)) as {
  allPages: <T>(path: string, params: Record<string, string>) => Promise<T[]>;
};

test('allPages gathers pages of any size (no push(...items): a spread of 10⁵ overflows the stack)', async (t) => {
  const pages: Record<string, { items: number[]; next: string | null }> = {
    '/api/readings?from=a': { items: Array.from({ length: 200_000 }, (_, i) => i), next: '/api/readings?page=2' },
    'http://bmeter.test/api/readings?page=2': { items: [-1], next: null },
  };
  const g = globalThis as { fetch: typeof fetch; location?: unknown };
  const { fetch: realFetch, location: realLocation } = g;
  t.after(() => {
    g.fetch = realFetch;
    g.location = realLocation;
  });
  g.location = { href: 'http://bmeter.test/' };
  g.fetch = (async (url: string) => {
    const body = pages[url];
    return { ok: body !== undefined, status: body === undefined ? 404 : 200, json: async () => body };
  }) as unknown as typeof fetch;
  const items = await allPages<number>('/api/readings', { from: 'a' });
  assert.equal(items.length, 200_001);
  assert.equal(items[199_999], 199_999);
  assert.equal(items.at(-1), -1);
});
