/**
 * The outputs `poll` adds to its reading stream besides stdout / --output: MQTT with Home
 * Assistant discovery (`--mqtt URL`, or `mqtt.url` / BMETER_MQTT_URL) and the node_exporter
 * textfile (`--metrics-file FILE`). Both are loaded only when asked for. The broker is reached
 * before the port is opened, so a bad URL (exit 2) or refused credentials (exit 1) cost no join.
 */
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { secretRedactor } from '../log/redact.js';
import type { ExtraOutput } from '../output/tee.js';
import { systemClock } from '../time/clock.js';
import { readScanFile } from '../usecases/scan-file.js';
import type { RecoveryStep } from '../usecases/session-machine.js';
import type { CliContext } from './context.js';
import { VERSION } from './version.js';

export interface PollExtras {
  outputs: ExtraOutput[];
  onFailure?: (detail: string) => void;
  onRecovery?: (step: RecoveryStep) => void;
  /** `offline`: an interval run that stops sets the MQTT availability to offline. */
  close(options: { offline: boolean }): Promise<void>;
}

/** Opens the extra outputs the flags and settings ask for (none: an empty set). */
export async function openPollExtras(
  flags: Record<string, unknown>,
  config: Config,
  ctx: CliContext,
  logger: Logger,
  intervalSeconds: number | undefined,
): Promise<PollExtras> {
  const metricsPath = typeof flags['metricsFile'] === 'string' ? resolve(ctx.io.cwd, flags['metricsFile']) : undefined;
  const mqttUrl = config.mqtt.url;
  const extras: PollExtras = { outputs: [], close: async () => undefined };
  if (metricsPath === undefined && mqttUrl === undefined) return extras;

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
  }
  const scan = await readScanFile(config.scanFile);
  const meter = scan.macAddress.toLowerCase();

  if (metricsPath !== undefined) {
    const { MeterMetrics } = await import('../output/metrics/meter-metrics.js');
    const { createMetricsFileSink } = await import('../output/metrics/metrics-file.js');
    const metrics = new MeterMetrics({ meter, clock: systemClock, version: VERSION });
    const file = createMetricsFileSink(metricsPath, metrics, () => systemClock.now());
    const flush = (): void => void file.flush().catch(warn('cannot write the metrics file'));
    extras.outputs.push({ name: `metrics file ${metricsPath}`, write: (record) => file.write(record) });
    extras.onFailure = () => {
      metrics.countFailure();
      flush();
    };
    extras.onRecovery = (step) => {
      metrics.countRecovery(step);
      flush();
    };
    closers.push(async () => file.flush());
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
      clock: systemClock,
      link: { lqi: scan.lqi, rssiDbm: scan.rssiDbm },
      // Power and currents go unavailable in HA after three missed readings of an interval run.
      ...(intervalSeconds !== undefined && { expireAfterS: Math.max(60, 3 * intervalSeconds) }),
    });
    extras.outputs.push({ name: `MQTT ${broker.display}`, write: (record) => mqtt.publish(record) });
    closers.push((offline) => mqtt.close({ offline }));
  }
  return extras;
}
