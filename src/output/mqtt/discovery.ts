/**
 * Home Assistant MQTT discovery for one meter, as one device discovery message (HA 2024.11+:
 * `<prefix>/device/<id>/config` with `device`, `origin` and `components`) that HA turns into one
 * device with these sensors:
 *
 * - power: `device_class: power`, W, `state_class: measurement`
 * - current R and T: `current`, A, `measurement` (T left out on a single-phase 2-wire meter)
 * - energy bought / sold (E0 / E3): `energy`, kWh, `total_increasing` (the Energy dashboard's
 *   grid consumption and return to grid)
 * - energy bought / sold at the last :00 or :30 (EA / EB): `energy`, kWh, `total_increasing`
 * - diagnostics: the last reading's timestamp, and the scan's LQI and RSSI when known
 *
 * Rules followed (HA MQTT integration docs): `unique_id` and the device identifier come from the
 * meter's MAC; `default_entity_id` (`sensor.<id>`) replaces the deprecated `object_id` (HA
 * 2025.10; `object_id` stops working in 2026.4); `origin` names bmeter; availability uses the
 * retained `online`/`offline` topic whose `offline` is the MQTT will; `| is_defined` keeps a
 * sensor's state when the state JSON lacks its field; `expire_after` marks the live values
 * unavailable when readings stop arriving on a known schedule.
 */
import type { MeterTopics } from './topics.js';
import { deviceId } from './topics.js';

/** What is known of the meter itself (8A maker, 82 release, 8D production number), all optional. */
export interface MeterDeviceInfo {
  /** Shown as the device's manufacturer (e.g. the name for 8A's maker code). */
  manufacturer?: string;
  /** Shown as the model; default "Low-voltage smart electricity meter". */
  model?: string;
  /** Shown as the firmware version (e.g. "ECHONET Lite Appendix F" from 82). */
  swVersion?: string;
  /** 8D production number. */
  serialNumber?: string;
  /** Identifier of a device HA already knows that this one is reached through (the stick). */
  viaDevice?: string;
}

/** Single-phase 3-wire (currents R and T) or 2-wire (R only). */
export type Wiring = '1p3w' | '1p2w';

/** What the discovery payload is made from. */
export interface DiscoveryOptions {
  meter: string;
  topics: MeterTopics;
  wiring: Wiring;
  /** bmeter's version, for `origin.sw_version`. */
  version: string;
  device?: MeterDeviceInfo;
  /** Whether the state carries `lqi` / `rssi_dbm`. */
  linkKnown: boolean;
  /** Seconds after which HA marks power and currents unavailable without a new state. */
  expireAfterS?: number;
}

const DEFAULT_MODEL = 'Low-voltage smart electricity meter';

type Component = Record<string, string | number>;

/** The retained discovery payload for the meter (see the file comment). */
export function discoveryPayload(o: DiscoveryOptions): Record<string, unknown> {
  const id = deviceId(o.meter);
  const sensor = (key: string, name: string, field: string, extra: Component): [string, Component] => [
    key,
    {
      platform: 'sensor',
      name,
      unique_id: `${id}_${key}`,
      default_entity_id: `sensor.${id}_${key}`,
      value_template: `{{ value_json.${field} | is_defined }}`,
      ...extra,
    },
  ];
  const live = o.expireAfterS !== undefined ? { expire_after: Math.ceil(o.expireAfterS) } : {};
  const energy = { device_class: 'energy', unit_of_measurement: 'kWh', state_class: 'total_increasing' };
  const current = { device_class: 'current', unit_of_measurement: 'A', state_class: 'measurement', ...live };
  const diagnostic = { entity_category: 'diagnostic' };
  const components: [string, Component][] = [
    sensor('power', 'Power', 'power_w', {
      device_class: 'power',
      unit_of_measurement: 'W',
      state_class: 'measurement',
      ...live,
    }),
    sensor('current_r', 'Current R', 'current_r_a', current),
    ...(o.wiring === '1p3w' ? [sensor('current_t', 'Current T', 'current_t_a', current)] : []),
    sensor('energy_bought', 'Energy bought', 'energy_normal_kwh', energy),
    sensor('energy_sold', 'Energy sold', 'energy_reverse_kwh', energy),
    sensor('energy_bought_fixed', 'Energy bought at the half hour', 'fixed_normal_kwh', energy),
    sensor('energy_sold_fixed', 'Energy sold at the half hour', 'fixed_reverse_kwh', energy),
    sensor('last_reading', 'Last reading', 'timestamp', { device_class: 'timestamp', ...diagnostic }),
    ...(o.linkKnown
      ? [
          sensor('lqi', 'Link quality', 'lqi', { state_class: 'measurement', ...diagnostic }),
          sensor('rssi', 'Signal strength', 'rssi_dbm', {
            device_class: 'signal_strength',
            unit_of_measurement: 'dBm',
            state_class: 'measurement',
            ...diagnostic,
          }),
        ]
      : []),
  ];
  const d = o.device ?? {};
  return {
    device: {
      identifiers: [id],
      name: `Smart meter ${o.meter.slice(-6)}`,
      model: d.model ?? DEFAULT_MODEL,
      ...(d.manufacturer !== undefined && { manufacturer: d.manufacturer }),
      ...(d.swVersion !== undefined && { sw_version: d.swVersion }),
      ...(d.serialNumber !== undefined && { serial_number: d.serialNumber }),
      ...(d.viaDevice !== undefined && { via_device: d.viaDevice }),
    },
    origin: { name: 'bmeter', sw_version: o.version },
    availability_topic: o.topics.availability,
    payload_available: 'online',
    payload_not_available: 'offline',
    state_topic: o.topics.state,
    qos: 1,
    components: Object.fromEntries(components),
  };
}

/**
 * The wiring as the first reading shows it: R given and T not means a single-phase 2-wire meter
 * (it answers E8 with T = 0x7FFE, "no data", which the record holds as null). Anything else —
 * both given, or E8 not read at all — keeps both currents.
 */
export function wiringFromReading(record: { current_r_a: number | null; current_t_a: number | null }): Wiring {
  return record.current_r_a !== null && record.current_t_a === null ? '1p2w' : '1p3w';
}
