/**
 * The JSON published on `<topicPrefix>/<meter>/state`: the record's fields (src/meter/reading.ts)
 * that the meter gave, plus what is known of the radio link. A field that is null in the record
 * is left out — never sent as 0, because Home Assistant reads a drop of a `total_increasing`
 * sensor as a meter reset — and the discovery templates (`| is_defined`) then keep the entity's
 * previous state.
 */
import { READING_FIELDS, type Reading } from '../../meter/reading.js';

/** The link to the meter as the scan saw it (scan file `lqi`, `rssiDbm`). */
export interface LinkQuality {
  /** 0–255, from the stick's EPANDESC. */
  lqi: number;
  /** dBm, 0.275 × LQI − 104.27 (PROTOCOL.md §3.6). */
  rssiDbm: number;
}

/** The state object for one record: non-null reading fields, `source`, then `lqi` / `rssi_dbm` when known. */
export function statePayload(record: Reading, link?: LinkQuality): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const field of READING_FIELDS) {
    const value = record[field];
    if (value !== null && value !== undefined) out[field] = value;
  }
  out['source'] = record.source;
  if (link !== undefined) {
    out['lqi'] = link.lqi;
    out['rssi_dbm'] = link.rssiDbm;
  }
  return out;
}
