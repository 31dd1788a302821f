/**
 * The MQTT output of one meter (MQTT.js, loaded with a dynamic import only when `--mqtt` is
 * given): connects with a retained `offline` will, says `online` (retained), publishes Home
 * Assistant discovery (retained) and every record as the retained state, and re-publishes the
 * discovery and the latest state whenever it (re)connects and whenever Home Assistant announces
 * itself on `<discoveryPrefix>/status` with `online`.
 *
 * The broker never holds up the reading stream: `publish` returns at once, whether the broker is
 * there or not. A lost connection is retried with a doubling backoff (MQTT.js's own fixed-period
 * reconnect is off), and the latest state goes out on reconnect. Refused credentials at the start
 * are a BROKER error (exit 1) naming what to check; an unreachable broker at the start is only a
 * warning, and the output keeps trying.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { BmeterError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Reading } from '../../meter/reading.js';
import type { Clock, TimerHandle } from '../../time/clock.js';
import type { BrokerAddress } from './broker-url.js';
import { discoveryPayload, wiringFromReading, type MeterDeviceInfo, type Wiring } from './discovery.js';
import { statePayload, type LinkQuality } from './state.js';
import { meterTopics } from './topics.js';

export interface MqttOutputOptions {
  broker: BrokerAddress;
  /** The meter's MAC, 16 lower-case hex digits. */
  meter: string;
  topicPrefix: string;
  discoveryPrefix: string;
  /** bmeter's version (discovery `origin`). */
  version: string;
  logger: Logger;
  clock: Clock;
  device?: MeterDeviceInfo;
  link?: LinkQuality;
  /** Known wiring; otherwise the first record decides (discovery waits for it). */
  wiring?: Wiring;
  /** HA `expire_after` for power and currents, seconds (e.g. 3 × the poll interval). */
  expireAfterS?: number;
  /** How long the first connection may take before the output goes on without it (default 10 s). */
  connectTimeoutMs?: number;
  /** Reconnect backoff: first delay and cap, ms (default 1 s doubling to 60 s). */
  reconnect?: { initialMs: number; maxMs: number };
  /** MQTT.js's connect (tests may pass their own); default: `import('mqtt')`. */
  connect?: (url: string, options: IClientOptions) => MqttClient;
}

/** What the caller keeps: publish records, see the link, close. */
export interface MqttOutput {
  /** Publishes the record as the state (and the discovery before the first one). Never waits for the broker. */
  publish(record: Reading): Promise<void>;
  readonly connected: boolean;
  /**
   * Ends the connection, waiting (at most 5 s) for what is in flight. `offline: true` first sets the
   * availability to `offline` (a service stopping); a one-shot run leaves it `online`.
   */
  close(options?: { offline?: boolean }): Promise<void>;
}

/** Connack codes that mean the broker refused these credentials (MQTT 3.1.1: 4, 5; MQTT 5: 134, 135). */
const AUTH_REFUSED = new Set([4, 5, 134, 135]);

/**
 * Connects to the broker and returns the output. Throws BmeterError BROKER when the broker refuses
 * the credentials; resolves (and keeps retrying) when it cannot be reached.
 */
export async function createMqttOutput(o: MqttOutputOptions): Promise<MqttOutput> {
  const topics = meterTopics(o.meter, o.topicPrefix, o.discoveryPrefix);
  const connect = o.connect ?? (await loadConnect());
  const backoff = o.reconnect ?? { initialMs: 1000, maxMs: 60_000 };
  const qos = 1 as const;
  let wiring = o.wiring;
  let latest: string | undefined;
  let latestSent = true;
  let closing = false;
  let attempt = 0;
  let wasConnected = false;
  let everConnected = false;
  let timer: TimerHandle | undefined;

  const clientOptions: IClientOptions = {
    clientId: `bmeter_${o.meter}_${Math.random().toString(16).slice(2, 8)}`,
    ...(o.broker.username !== undefined && { username: o.broker.username }),
    ...(o.broker.password !== undefined && { password: o.broker.password }),
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
    will: { topic: topics.availability, payload: Buffer.from('offline'), qos, retain: true },
  };

  const send = (topic: string, payload: string, onSent?: () => void): void => {
    client.publish(topic, payload, { qos, retain: true }, (err) => {
      if (err) o.logger.debug({ topic, err: err.message }, 'MQTT publish not delivered');
      else onSent?.();
    });
  };
  const sendDiscovery = (): void => {
    if (wiring === undefined) return;
    const payload = discoveryPayload({
      meter: o.meter,
      topics,
      wiring,
      version: o.version,
      linkKnown: o.link !== undefined,
      ...(o.device !== undefined && { device: o.device }),
      ...(o.expireAfterS !== undefined && { expireAfterS: o.expireAfterS }),
    });
    send(topics.discovery, JSON.stringify(payload));
  };
  const sendState = (): void => {
    const payload = latest;
    if (payload === undefined) return;
    send(topics.state, payload, () => {
      if (payload === latest) latestSent = true;
    });
  };
  const scheduleReconnect = (): void => {
    if (closing || timer !== undefined) return;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 20));
    attempt += 1;
    o.logger.debug({ broker: o.broker.display, delayMs: delay }, 'MQTT reconnect scheduled');
    timer = o.clock.setTimeout(() => {
      timer = undefined;
      if (!closing) client = open();
    }, delay);
  };

  /**
   * One MQTT.js client per connection: a dropped one is ended and a fresh one made after the
   * backoff (MQTT.js's reconnect() would keep callbacks of publishes lost with the old socket,
   * and a clean end() would then wait for them forever).
   */
  const open = (): MqttClient => {
    const c = connect(o.broker.url, clientOptions);
    c.on('connect', () => {
      // After warnings that it was unreachable: "again" only for a broker this run was connected to before.
      if (attempt > 0) {
        o.logger.warn(
          { broker: o.broker.display },
          everConnected ? 'MQTT broker connected again' : 'MQTT broker connected',
        );
      }
      everConnected = true;
      attempt = 0;
      wasConnected = true;
      c.subscribe(topics.haStatus, { qos }, (err) => {
        if (err) o.logger.warn({ err: err.message }, `cannot subscribe to ${topics.haStatus}`);
      });
      send(topics.availability, 'online');
      sendDiscovery();
      sendState();
    });
    c.on('message', (topic, payload) => {
      if (topic !== topics.haStatus || payload.toString() !== 'online') return;
      o.logger.info('Home Assistant is online: discovery and state published again');
      sendDiscovery();
      sendState();
    });
    c.on('close', () => {
      if (closing || c !== client) return;
      if (wasConnected) {
        o.logger.warn({ broker: o.broker.display }, 'MQTT broker connection lost; readings go on, reconnecting');
      }
      wasConnected = false;
      c.end(true);
      scheduleReconnect();
    });
    c.on('error', (err: Error & { code?: unknown }) => {
      const refused = typeof err.code === 'number' && AUTH_REFUSED.has(err.code);
      const fields = { broker: o.broker.display, err: err.message };
      if (refused && attempt > 0) o.logger.warn(fields, 'MQTT broker refused the credentials');
      else o.logger.debug({ broker: o.broker.display, err: err.message }, 'MQTT error');
    });
    return c;
  };
  let client = open();

  await firstConnection(client, o, () => {
    closing = true;
  });

  return {
    get connected() {
      return client.connected;
    },
    async publish(record) {
      if (wiring === undefined) {
        wiring = wiringFromReading(record);
        if (client.connected) sendDiscovery();
      }
      latest = JSON.stringify(statePayload(record, o.link));
      latestSent = false;
      if (client.connected) sendState();
    },
    async close(options = {}) {
      closing = true;
      if (timer !== undefined) o.clock.clearTimeout(timer);
      timer = undefined;
      if (client.connected && options.offline === true) send(topics.availability, 'offline');
      if (!latestSent && !client.connected) {
        const message = 'the last reading was not published: the MQTT broker was not reachable';
        o.logger.warn({ broker: o.broker.display }, message);
      }
      await endClient(client, o.clock);
    },
  };
}

async function loadConnect(): Promise<(url: string, options: IClientOptions) => MqttClient> {
  const mod = (await import('mqtt')) as unknown as { connect?: MqttConnect; default?: { connect: MqttConnect } };
  const connect = mod.connect ?? mod.default?.connect;
  if (connect === undefined) throw new BmeterError('BROKER', 'the mqtt package has no connect(): reinstall bmeter');
  return connect;
}

type MqttConnect = (url: string, options: IClientOptions) => MqttClient;

/** Waits for the first CONNACK: accepted → done; credentials refused → throws; unreachable → warns. */
function firstConnection(client: MqttClient, o: MqttOutputOptions, giveUp: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      o.clock.clearTimeout(deadline);
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const onConnect = (): void => {
      done();
      o.logger.info({ broker: o.broker.display }, 'MQTT broker connected');
      resolve();
    };
    let socketError: string | undefined; // MQTT.js reports refused, unknown host, reset and timeout as errors
    const onError = (err: Error & { code?: unknown }): void => {
      if (typeof err.code === 'string') socketError = err.code;
      if (typeof err.code !== 'number' || !AUTH_REFUSED.has(err.code)) return;
      done();
      giveUp();
      client.end(true);
      const who = o.broker.username === undefined ? 'no user name was given' : 'the user name or password is wrong';
      reject(
        new BmeterError(
          'BROKER',
          `MQTT broker ${o.broker.display} refused the connection (${err.message}): ${who} — check ` +
            'BMETER_MQTT_USERNAME and BMETER_MQTT_PASSWORD (or mqtt.username / mqtt.password in the config file, ' +
            "or user:password in the URL) and the broker's ACL",
        ),
      );
    };
    const unreachable = (why: string): void => {
      done();
      const message = 'MQTT broker not reachable; readings go on, retrying in the background';
      o.logger.warn({ broker: o.broker.display, why }, message);
      resolve();
    };
    const onClose = (): void => unreachable(whyClosed(socketError, o.broker.display));
    const deadline = o.clock.setTimeout(() => unreachable('timed out'), (o.connectTimeoutMs ?? 10_000) + 500);
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
}

/**
 * Why the first connection closed, for the warning: the socket's error code (MQTT.js emits ECONNREFUSED, ENOTFOUND,
 * ECONNRESET, ETIMEDOUT as `error`) in words, or, with none, a close before any answer; for mqtts:// whether the
 * port speaks TLS at all (a plain port resets the handshake).
 */
function whyClosed(code: string | undefined, display: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is the broker running, on that port?';
  if (code === 'ENOTFOUND') return 'host not found (ENOTFOUND): check the host name in the URL';
  const what = `connection ${code === undefined ? 'closed' : `failed (${code})`} before the broker answered`;
  return display.startsWith('mqtts:') ? `${what}: does that port speak TLS (mqtts://)?` : what;
}

/** A clean DISCONNECT after in-flight messages, forced after 5 s (a broker gone mid-close). */
async function endClient(client: MqttClient, clock: Clock): Promise<void> {
  await new Promise<void>((resolve) => {
    const force = clock.setTimeout(() => client.end(true, {}, () => resolve()), 5000);
    client.end(false, {}, () => {
      clock.clearTimeout(force);
      resolve();
    });
  });
}
