/**
 * The outputs a meter command adds to its reading stream besides stdout / --output: MQTT with Home
 * Assistant discovery (`--mqtt URL`, or `mqtt.url` / BMETER_MQTT_URL), the node_exporter textfile
 * (`--metrics-file FILE`), and a MeterMetrics the caller keeps (serve's `/metrics`). Each is loaded
 * only when asked for. Call this before the port is opened: a bad broker URL (exit 2) or refused
 * credentials (exit 1) then cost no join.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { MeterMetrics } from '../output/metrics/meter-metrics.js';
import { secretRedactor } from '../log/redact.js';
import type { ExtraOutput } from '../output/tee.js';

import { readScanFile } from '../scan/scan-file.js';
import type { RecoveryStep } from '../session/machine.js';
import type { CliContext } from './context.js';
import { VERSION } from './version.js';

/** Adds `--mqtt <url>` and `--metrics-file <file>` (the extra outputs of poll and serve) to `command`. */
export function addOutputOptions(command: Command): Command {
  return command
    .option('--mqtt <url>', 'also publish to this MQTT broker, with Home Assistant discovery (env BMETER_MQTT_URL)')
    .option('--metrics-file <file>', 'also keep Prometheus metrics in this file (node_exporter textfile, *.prom)');
}

/** What the caller (poll, serve) gets: outputs to tee the records into, session hooks, close. */
export interface MeterOutputs {
  outputs: ExtraOutput[];
  onFailure?: (detail: string) => void;
  onRecovery?: (step: RecoveryStep) => void;
  /**
   * For a one-shot run, once it has taken its reading: rejects with the fault that kept the metrics textfile
   * from being written (BmeterError WRITE_FAILED, exit 1, for a disk fault), said then and nowhere else.
   */
  requireWritten(): Promise<void>;
  /** `offline`: an interval run that stops sets the MQTT availability to offline. */
  close(options: { offline: boolean }): Promise<void>;
}

export interface MeterOutputsOptions {
  /** Seconds between readings (HA `expire_after` = 3 intervals); undefined for a one-shot run. */
  intervalSeconds?: number;
  /** Metrics the caller keeps (serve's /metrics): fed every record, failure and recovery. */
  metrics?: MeterMetrics;
}

/** Opens the outputs the flags, settings and options ask for (none: an empty set). */
export async function openMeterOutputs(
  flags: Record<string, unknown>,
  config: Config,
  ctx: CliContext,
  logger: Logger,
  options: MeterOutputsOptions = {},
): Promise<MeterOutputs> {
  const { intervalSeconds } = options;
  const metricsPath = typeof flags['metricsFile'] === 'string' ? resolve(ctx.io.cwd, flags['metricsFile']) : undefined;
  const mqttUrl = config.mqtt.url;
  const extras: MeterOutputs = { outputs: [], requireWritten: async () => undefined, close: async () => undefined };
  if (metricsPath === undefined && mqttUrl === undefined && options.metrics === undefined) return extras;
  if (metricsPath !== undefined) {
    // A wrong path fails the run at start (exit 2), before the broker or the port.
    await (await import('../output/metrics/metrics-file.js')).checkMetricsFile(metricsPath);
  }

  const closers: ((offline: boolean) => Promise<void>)[] = [];
  const warn = (what: string) => (err: unknown) => logger.warn({ err: (err as Error).message }, what);
  extras.close = async ({ offline }) => {
    for (const close of closers) {
      await close(offline).catch(warn('closing an output failed'));
    }
  };
  let broker: import('../output/mqtt/broker-url.js').BrokerAddress | undefined;
  if (mqttUrl !== undefined) {
    const { parseBrokerUrl } = await import('../output/mqtt/broker-url.js');
    broker = parseBrokerUrl(mqttUrl, {
      ...(config.mqtt.username !== undefined && { username: config.mqtt.username }),
      ...(config.mqtt.password !== undefined && { password: config.mqtt.password }),
    });
    secretRedactor.add(broker.password);
    if (typeof flags['mqtt'] === 'string' && URL.canParse(flags['mqtt']) && new URL(flags['mqtt']).password !== '') {
      logger.warn(
        '--mqtt carries the broker password, which `ps` shows to every user: give it in BMETER_MQTT_PASSWORD or ' +
          'the config file (mqtt.password) instead',
      );
    }
  }
  const scan = await readScanFile(config.scanFile);
  const meter = scan.macAddress.toLowerCase();

  let metrics = options.metrics;
  if (metrics === undefined && metricsPath !== undefined) {
    const { MeterMetrics } = await import('../output/metrics/meter-metrics.js');
    metrics = new MeterMetrics({ meter, clock: ctx.clock, version: VERSION });
  }
  if (metrics !== undefined) {
    const kept = metrics;
    let flush = (): void => undefined;
    if (metricsPath !== undefined) {
      const { metricsFileOutput } = await import('./metrics-file-output.js');
      // Serve passes its metrics and always reads on an interval; a poll without --interval is one-shot.
      const oneShot = intervalSeconds === undefined && options.metrics === undefined;
      const file = metricsFileOutput(metricsPath, kept, () => ctx.clock.now(), logger, oneShot);
      flush = file.flush;
      extras.outputs.push(file.output);
      extras.requireWritten = () => file.requireWritten();
      closers.push(() => file.close());
    } else {
      extras.outputs.push({ name: 'metrics', write: async (record) => kept.observe(record) });
    }
    extras.onFailure = () => {
      kept.countFailure();
      flush();
    };
    extras.onRecovery = (step) => {
      kept.countRecovery(step);
      flush();
    };
  }

  if (broker !== undefined) {
    const { createMqttOutput } = await import('../output/mqtt/mqtt-output.js');
    logger.info({ broker: broker.display, meter }, 'MQTT output');
    const mqtt = await createMqttOutput({
      broker,
      meter,
      topicPrefix: config.mqtt.topicPrefix,
      discoveryPrefix: config.mqtt.discoveryPrefix,
      version: VERSION,
      logger,
      clock: ctx.clock,
      link: { lqi: scan.lqi, rssiDbm: scan.rssiDbm },
      // Power and currents go unavailable in HA after three missed readings of an interval run.
      ...(intervalSeconds !== undefined && { expireAfterS: Math.max(60, 3 * intervalSeconds) }),
    });
    extras.outputs.push({ name: `MQTT ${broker.display}`, write: (record) => mqtt.publish(record) });
    closers.push((offline) => mqtt.close({ offline }));
  }
  return extras;
}
