/**
 * `bmeter serve`: the long-running reader. Joins once, reads every --interval seconds into the
 * SQLite store (--db), backfills the half-hour record, and answers the JSON API, /healthz,
 * /metrics and the dashboard on --listen; --mqtt and --metrics-file add the outputs poll has.
 * SIGTERM/SIGINT: the wait in flight ends (within about two seconds), SKTERM, MQTT offline, the
 * listener and the store close, exit 0.
 * Needs Node ≥ 22.13 (node:sqlite); exits 2 saying so on older Node.
 */
import { configFileOption, fileOption, requireDistinctFiles } from './distinct-files.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addMeterOptions } from './meter-options.js';
import { fallbackFromConfig } from '../meter/energy-fallback.js';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './context.js';
import { numberOption, stickSettings, waitPortSeconds } from './settings.js';
import { teeSink } from '../output/tee.js';
import { addOutputOptions, openMeterOutputs } from './meter-outputs.js';
import { closeCliStore, DEFAULT_DB, openCliStore, requireSqlite } from './store.js';
import { VERSION } from './version.js';
import type { SqliteStore } from '../output/store/store.js';
import { sendJson, type Route } from '../serve/http/route.js';

function historyDays(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 99)
    throw new InvalidArgumentError('--history-days must be a whole number from 1 to 99');
  return n;
}

/** Adds `bmeter serve` to the program. */
export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command('serve')
    .description('read the meter for months: SQLite store, half-hour backfill, dashboard, JSON API, /metrics')
    .option('--db <file>', `the SQLite store (created if missing; default ./${DEFAULT_DB})`)
    .option(
      '--listen <host:port>',
      'where the HTTP API listens (default 127.0.0.1:8080; loopback unless you name another address)',
    )
    .option(
      '--interval <seconds>',
      'seconds between readings (default 30)',
      numberOption('--interval', 'positive-seconds'),
    )
    .option('--history-days <n>', 'days of half-hours to fetch into a new store (default 7, at most 99)', historyDays)
    .option('--quiet', 'do not print the records on stdout (they still go to the store)')
    .option('--wait-port <seconds>', 'wait this long for a port another bmeter holds (default 30)', waitPortSeconds);
  addOutputOptions(addMeterOptions(command))
    .addHelpText(
      'after',
      '\nNeeds Node 22.13 or newer (node:sqlite). Each reading is committed to the store before the next one.\n' +
        'API: /api/latest, /api/readings?from=&to=&limit=, /api/half-hours?from=&to=&limit=, /api/daily,\n' +
        '/api/events, /healthz, /metrics (Prometheus); the dashboard at / (open it in a browser).\n' +
        'Needs BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD (or routeB in the config file) and the scan file.',
    )
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await serveAction(command.optsWithGlobals(), ctx);
    });
}

async function serveAction(flags: Record<string, unknown>, ctx: CliContext): Promise<void> {
  await requireSqlite('bmeter serve'); // exit 2 on Node < 22.13, before anything else
  const { logger, config, creds, openPort } = stickSettings(flags, ctx);
  requireDistinctFiles(ctx.io.cwd, {
    '--db': fileOption(typeof flags['db'] === 'string' ? flags['db'] : DEFAULT_DB, 'store'),
    '--metrics-file': fileOption(flags['metricsFile'], 'textfile'),
    'the scan file': fileOption(config.scanFile, 'scan-file'),
    'the config file': configFileOption(flags, ctx.io.env, ctx.io.cwd),
  });
  const [
    { readScanFile },
    { parsePropertyList },
    http,
    { runServe },
    { Health },
    { ServeEvents },
    { apiRoutes },
    { healthzRoute },
    { MeterMetrics },
    { metricsRoute },
    { dashboardRoutes },
  ] = await Promise.all([
    import('../scan/scan-file.js'),
    import('../meter/record.js'),
    import('../serve/http/server.js'),
    import('../serve/serve.js'),
    import('../serve/health.js'),
    import('../serve/events.js'),
    import('../serve/http/api-routes.js'),
    import('../serve/http/healthz-route.js'),
    import('../output/metrics/meter-metrics.js'),
    import('../output/metrics/metrics-route.js'),
    import('../serve/dashboard/routes.js'),
  ]);
  const listen = http.parseListen(typeof flags['listen'] === 'string' ? flags['listen'] : '127.0.0.1:8080');
  if (!http.isLoopback(listen.host)) {
    logger.warn(
      `the API listens on ${listen.host}, reachable from other machines: it has no authentication ` +
        '(use 127.0.0.1 unless you mean it)',
    );
  }
  const meter = (await readScanFile(config.scanFile)).macAddress.toLowerCase();
  const intervalSeconds = typeof flags['interval'] === 'number' ? flags['interval'] : 30;
  const clock = ctx.clock;
  const metrics = new MeterMetrics({ meter, clock, version: VERSION });
  if (config.mqtt.url !== undefined) {
    // A malformed broker URL exits 2 before anything is opened or created.
    const { parseBrokerUrl } = await import('../output/mqtt/broker-url.js');
    parseBrokerUrl(config.mqtt.url);
  }
  // The listener first, then the store: a --listen that is taken stops the run before a new store is made.
  // Both come before MQTT: a second serve for the same meter stops at one of them without ever connecting,
  // so it cannot set the running one's availability offline. Until the store is open every path answers 503.
  const routes: Route[] = [startingRoute];
  const server = await http.startHttpServer(listen, routes, logger);
  let store: SqliteStore | undefined;
  let failed = true;
  try {
    store = await openCliStore('bmeter serve', flags['db'], ctx);
    const health = new Health(clock, intervalSeconds * 1000);
    const events = new ServeEvents();
    const startedMs = clock.now();
    // /metrics reports the session state /healthz reports at the same instant, not the last status event's.
    const metricsNow = metricsRoute(metrics);
    routes.splice(
      0,
      routes.length,
      ...apiRoutes({ store, meter, clock, events, status: () => health.status() }),
      healthzRoute({ health, startedMs }),
      {
        ...metricsNow,
        handle: (req: IncomingMessage, res: ServerResponse, url: URL) => {
          metrics.setSessionState(health.status().state);
          return metricsNow.handle(req, res, url);
        },
      },
      ...dashboardRoutes(),
    );
    events.subscribe((event) => {
      if (event.type === 'status') metrics.setSessionState(event.data.state);
    });
    // Still before the stick's port: refused broker credentials (exit 1) cost no join.
    const extras = await openMeterOutputs(flags, config, ctx, logger, { intervalSeconds, metrics });
    try {
      logger.info(
        `listening on http://${hostText(listen.host)}:${server.address.port}/ (dashboard, API, /metrics); store ${store.path}`,
      );
      const quiet = flags['quiet'] === true;
      const printed = quiet
        ? undefined
        : (record: Record<string, unknown>) => writeLine(ctx.io.stdout, `${JSON.stringify({ meter, ...record })}\n`);
      const outputs = teeSink({ closed: false, write: async (record) => printed?.(record) }, extras.outputs, logger);
      const summary = await runServe({
        energyFallback: fallbackFromConfig(config.meter),
        config,
        creds,
        logger,
        openPort,
        now: ctx.now,
        signal: ctx.signal,
        properties: parsePropertyList(config.poll.properties),
        store,
        meter,
        intervalSeconds,
        historyDays: typeof flags['historyDays'] === 'number' ? flags['historyDays'] : 7,
        clock,
        events,
        health,
        onRecord: (record) => outputs.write(record),
        ...(extras.onFailure !== undefined && { onFailure: extras.onFailure }),
        ...(extras.onRecovery !== undefined && { onRecovery: extras.onRecovery }),
      });
      logger.info(summary, 'serve stopped');
      failed = false;
    } finally {
      await extras.close({ offline: true });
    }
  } finally {
    // One turn of the event loop first: the last `status` event (stopped) is still corked in the
    // /api/events responses, and closing destroys their sockets. The listener closes before the store.
    await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    // A run that ends with an error (EVENT 24: exit 4, refused broker credentials) takes back a store it made
    // and stored nothing in.
    closeCliStore(store, { failed, signal: ctx.signal }, logger);
  }
}

/** What every path answers between binding --listen and opening the store (a few milliseconds). */
const startingRoute: Route = {
  method: 'GET',
  path: '/*',
  handle: (_req, res) => sendJson(res, 503, { error: 'bmeter serve is starting; try again in a moment' }),
};

function writeLine(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve()); // a closed stdout (EPIPE) only stops the printing
  });
}

/** An IPv6 host in brackets, as in a URL. */
function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
