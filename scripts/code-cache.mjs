#!/usr/bin/env node
// Makes the V8 code cache of a bundle (bin/load-bundle.js says why and how it is read). Run by
// scripts/bundle.mjs in a process of its own, with the Node that runs the build:
//   node scripts/code-cache.mjs <bundle file> <path the bundle will have> <cache file to write> <exercise>
//
// A cache holds the functions V8 has compiled when it is made. After the top level alone, every function
// a start calls would still be compiled at each start (about as long again as compiling the bundle), so
// before taking the cache this runs what the bundle is used for (<exercise>):
// - `load`: its top level only (MQTT.js: what connects depends on the broker);
// - `charts`: dist/charts.cjs draws each of plot's charts (dist/plot/vega-spec.js) as an SVG, in memory;
// - `poll`: the CLI bundle runs what `bmeter poll` runs up to its first byte to the stick:
// `bmeter poll --port tcp://127.0.0.1:<port>` against a local port that never answers, in an empty
// temporary folder (no config file), with no BMETER_* variable but demo credentials and a scan file.
// bmeter writes no file in that run; the folder (with the scan file written here for it) is removed after.
// Should the run end before writing to the port, the cache is made anyway from what ran, with a warning:
// bmeter then starts a little slower but is correct, as with no cache at all.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { SIM_SCAN_FILE as SCAN } from './lib/sim-scan-file.mjs';

const [bundleFile, filename, out, exercise = 'poll'] = process.argv.slice(2);
if (out === undefined || !['load', 'charts', 'poll'].includes(exercise))
  throw new Error('usage: node scripts/code-cache.mjs <bundle> <bundle path> <cache file> load|charts|poll');
const { makeCodeCache } = createRequire(import.meta.url)('../bin/load-bundle.js');
const GIVE_UP_MS = 20_000; // a start takes well under a second; a loaded build machine gets slack

/**
 * Runs `main` as `bmeter poll` against a local port that never answers. Resolves on the first byte bmeter
 * writes to it; when the run ends first, takes too long or the port cannot be opened, warns and resolves too.
 */
async function pollToFirstByte(main, dir) {
  for (const name of Object.keys(process.env)) if (name.startsWith('BMETER_')) delete process.env[name];
  Object.assign(process.env, { BMETER_ROUTEB_ID: `${'0'.repeat(24)}12345678`, BMETER_ROUTEB_PASSWORD: 'BUILDPASS012' });
  writeFileSync(join(dir, 'scan.json'), JSON.stringify(SCAN));
  process.chdir(dir);
  const server = createServer();
  let timer;
  const missed = await new Promise((resolve) => {
    server.on('connection', (socket) => socket.once('data', () => resolve(undefined)));
    server.on('error', (err) => resolve(`no local port (${err.message})`));
    timer = setTimeout(resolve, GIVE_UP_MS, `no byte after ${GIVE_UP_MS} ms`);
    server.listen(0, '127.0.0.1', () => {
      const port = `tcp://127.0.0.1:${server.address().port}`;
      main(['node', 'bmeter', 'poll', '--port', port, '--scan-file', 'scan.json']).then(() =>
        resolve(`the poll ended (exit status ${process.exitCode})`),
      );
    });
  });
  clearTimeout(timer);
  if (missed !== undefined) console.warn(`code-cache.mjs: ${missed}; the code cache holds less of a start`);
}

/** Draws plot's three charts of two points each as SVG text with the charts bundle's Vega-Lite and Vega. */
async function drawCharts({ vega, vegaLite }) {
  const { powerSpec, halfHourSpec, dailySpec } = await import('../dist/plot/vega-spec.js');
  const size = { width: 900, height: 360 };
  const [a, b] = [Date.UTC(2024, 4, 1, 3), Date.UTC(2024, 4, 1, 3, 30)];
  const specs = [
    powerSpec(
      [
        { ms: a, watts: 420 },
        { ms: b, watts: -150 },
      ],
      size,
    ),
    halfHourSpec(
      [
        { ms: a, consumedKwh: 0.2, exportedKwh: 0.1 },
        { ms: b, consumedKwh: 0.3, exportedKwh: null },
      ],
      size,
    ),
    dailySpec([{ date: '2024-05-01', consumedKwh: 9.5, exportedKwh: 1.2, slots: 48 }], size),
  ];
  for (const spec of specs) {
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
    await view.toSVG();
    view.finalize();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bmeter-code-cache-'));
const EXERCISES = {
  load: async () => {},
  charts: drawCharts,
  poll: (exports) => pollToFirstByte(exports.main, dir),
};
try {
  writeFileSync(out, await makeCodeCache(filename, readFileSync(bundleFile, 'utf8'), EXERCISES[exercise]));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// The poll is still waiting for the stick's answer: end it here.
process.exit(0);
