/**
 * The MQTT topics of one meter. `<meter>` is the meter's MAC in lower-case hex (16 digits, from
 * the scan file), never the Route-B ID or its PairID, so several bmeter processes (one per meter)
 * share one broker without clashing.
 *
 * - `<topicPrefix>/<meter>/state`: the latest record as JSON (retained)
 * - `<topicPrefix>/<meter>/availability`: `online` / `offline` (retained; `offline` is the will)
 * - `<discoveryPrefix>/device/bmeter_<meter>/config`: Home Assistant device discovery (retained)
 * - `<discoveryPrefix>/status`: Home Assistant's birth (`online`) and will (`offline`) messages
 */
import { BmeterError } from '../../errors.js';

/** Topics of one meter. */
export interface MeterTopics {
  state: string;
  availability: string;
  discovery: string;
  haStatus: string;
}

/** HA object ids and unique ids of this meter start with this. */
export function deviceId(meter: string): string {
  return `bmeter_${meter}`;
}

/**
 * The topics for `meter` (16 lower-case hex digits; anything else is a programming error, thrown
 * as USAGE so that a bad identity never reaches a broker).
 */
export function meterTopics(meter: string, topicPrefix: string, discoveryPrefix: string): MeterTopics {
  if (!/^[0-9a-f]{16}$/.test(meter)) {
    throw new BmeterError('USAGE', `the meter identity must be its MAC as 16 lower-case hex digits, got "${meter}"`);
  }
  return {
    state: `${topicPrefix}/${meter}/state`,
    availability: `${topicPrefix}/${meter}/availability`,
    discovery: `${discoveryPrefix}/device/${deviceId(meter)}/config`,
    haStatus: `${discoveryPrefix}/status`,
  };
}
