/**
 * The broker URL of `--mqtt` / `BMETER_MQTT_URL` / `mqtt.url`: `mqtt://host[:port]` (TCP, 1883)
 * or `mqtts://host[:port]` (TLS, 8883). User and password may come in the URL's userinfo or from
 * `mqtt.username` / `mqtt.password` (config file, BMETER_MQTT_USERNAME / BMETER_MQTT_PASSWORD);
 * the URL wins. What is logged or shown is `display`: the URL without its userinfo.
 */
import { BmeterError } from '../../errors.js';

/** A checked broker address with its credentials split off. */
export interface BrokerAddress {
  /** `mqtt://host:port` or `mqtts://host:port`, no userinfo, no path. */
  url: string;
  /** Safe to log: the same as `url`. */
  display: string;
  username?: string;
  password?: string;
}

const SCHEMES = ['mqtt:', 'mqtts:'] as const;

/**
 * Parses and checks a broker URL. Throws BmeterError USAGE (exit 2) for anything that is not
 * `mqtt://` or `mqtts://` with a host; the message never repeats the URL's userinfo.
 */
export function parseBrokerUrl(text: string, fallback: { username?: string; password?: string } = {}): BrokerAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BmeterError(
      'USAGE',
      `the MQTT broker URL ${withoutUserinfo(text)} is not a URL — expected mqtt://host[:port] or ` +
        'mqtts://host[:port]',
    );
  }
  const shown = withoutUserinfo(text);
  if (!(SCHEMES as readonly string[]).includes(url.protocol)) {
    throw new BmeterError('USAGE', `the MQTT broker URL ${shown} must start with mqtt:// or mqtts://`);
  }
  if (url.hostname === '') throw new BmeterError('USAGE', `the MQTT broker URL ${shown} names no host`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    const message = `the MQTT broker URL ${shown} must be only scheme, host and port (no path or query)`;
    throw new BmeterError('USAGE', message);
  }
  const port = url.port !== '' ? url.port : url.protocol === 'mqtts:' ? '8883' : '1883';
  const clean = `${url.protocol}//${url.hostname}:${port}`;
  const username = url.username !== '' ? decodeURIComponent(url.username) : fallback.username;
  const password = url.password !== '' ? decodeURIComponent(url.password) : fallback.password;
  return {
    url: clean,
    display: clean,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
  };
}

/** The text with any `user:password@` after the scheme removed (for messages about a bad URL). */
export function withoutUserinfo(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1');
}
