/**
 * dashboardRoutes() on a real node:http listener, serving a small dist/web written by the test:
 * content types, caching headers, gzip, ETag revalidation, and no way out of dist/web/assets.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { dashboardRoutes } from '../../src/serve/dashboard/routes.js';
import { makeTempDir, type TempDir } from '../e2e/helpers/temp-dir.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path goes on the wire exactly as given (no URL normalisation by a client). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard routes', () => {
  let dir: TempDir;
  let server: Server;
  let port = 0;
  before(async () => {
    dir = makeTempDir('bmeter-web-');
    mkdirSync(dir.file('assets'));
    writeFileSync(
      dir.file('index.html'),
      '<!doctype html><title>x</title><script src="/assets/app-ABCD1234.js"></script>',
    );
    writeFileSync(dir.file('assets/app-ABCD1234.js'), `console.log(${JSON.stringify('x'.repeat(3000))});`);
    writeFileSync(dir.file('assets/app-ABCD1234.css'), 'body{color:red}');
    writeFileSync(dir.file('secret.txt'), 'outside the assets');
    const routes = dashboardRoutes({ webRoot: dir.path });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes.find(
        (r) => r.path === url.pathname || (r.path.endsWith('/*') && url.pathname.startsWith(r.path.slice(0, -1))),
      );
      if (route === undefined) {
        res.writeHead(404).end();
        return;
      }
      void route.handle(req, res, url);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    dir.remove();
  });

  test('the routes are / and /assets/*, GET only', () => {
    assert.deepEqual(
      dashboardRoutes({ webRoot: dir.path }).map((r) => `${r.method} ${r.path}`),
      ['GET /', 'GET /assets/*'],
    );
  });

  test('/ is the page as HTML, revalidated on every load, with a same-origin content security policy', async () => {
    const answer = await get(port, '/');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(answer.headers['cache-control'], 'no-cache');
    assert.match(String(answer.headers['content-security-policy']), /default-src 'self'/);
    assert.match(answer.body, /<title>x<\/title>/);
  });

  test('hashed assets have their content type and a year-long immutable cache', async () => {
    const js = await get(port, '/assets/app-ABCD1234.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    const css = await get(port, '/assets/app-ABCD1234.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  });

  test('a browser that accepts gzip gets it; an unchanged file is 304 by its ETag', async () => {
    const zipped = await get(port, '/assets/app-ABCD1234.js', { 'accept-encoding': 'gzip, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    const etag = String(zipped.headers['etag']);
    const again = await get(port, '/assets/app-ABCD1234.js', { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
  });

  test('nothing outside dist/web/assets is reachable, however the path is spelled', async () => {
    // The URL parser resolves dot segments (also %2e%2e) first: those reach '/' or '/secret.txt', never a file.
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/.%2e/secret.txt']) {
      const answer = await get(port, path);
      assert.doesNotMatch(answer.body, /outside the assets/, path);
    }
    for (const path of [
      '/assets/..%2Fsecret.txt',
      '/assets/..%5Csecret.txt',
      '/assets/',
      '/assets/missing.js',
      '/assets/app-ABCD1234.js/x',
      '/assets/.hidden',
    ]) {
      const answer = await get(port, path);
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(answer.body, /outside the assets/, path);
      // As every other unknown path of the listener answers.
      assert.match(answer.body, /^\{"error":"no such path: \/assets\//, path);
    }
  });

  test('a dashboard that was not built answers 500 saying how to build it', async () => {
    const routes = dashboardRoutes({ webRoot: dir.file('missing') });
    let status = 0;
    let body = '';
    const res = { writeHead: (s: number) => ((status = s), res), end: (b: string) => void (body = b) };
    void routes[0]?.handle({ headers: {} } as never, res as never, new URL('http://localhost/'));
    assert.equal(status, 500);
    assert.match(body, /run npm run build/);
  });
});
