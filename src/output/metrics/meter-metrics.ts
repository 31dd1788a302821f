/**
 * The Prometheus metrics of one meter, fed from the reading stream (`observe`) and from the
 * session (`countFailure`, `countRecovery`, `setSessionState`), rendered for `GET /metrics` or
 * the node_exporter textfile (`render`). Every series carries `meter` (the MAC, lower-case hex).
 *
 * Units follow the Prometheus conventions: base units in the name (watts, amperes, joules,
 * seconds), `_total` for counters. The meter's kWh are exported as joules (× 3 600 000, rounded
 * to the joule: the meter's finest unit, 0.0001 kWh, is 360 J, so nothing is lost). A value the
 * meter did not give in the latest reading is not exported (never 0).
 */
import type { Reading } from '../../meter/reading.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { renderExposition, type MetricFamily, type Sample } from './exposition.js';

/** The recovery rungs above a plain read (src/session/machine.ts RECOVERY_LADDER). */
export const RECOVERY_STEPS = ['rejoin', 'scan-channel', 'full-scan', 'reopen'] as const;
export type RecoveryStepName = (typeof RECOVERY_STEPS)[number];

/** The session states serve reports (`/api/events` status). */
export const SESSION_STATES = ['up', 'joining', 'recovering', 'stopped'] as const;
export type SessionStateName = (typeof SESSION_STATES)[number];

const J_PER_KWH = 3_600_000;

export interface MeterMetricsOptions {
  /** The meter's MAC, 16 lower-case hex digits. */
  meter: string;
  /** For `render()` without an argument (the age of the last reading). */
  clock?: Pick<Clock, 'now'>;
  /** bmeter's version, exported as `bmeter_build_info{version}`. */
  version?: string;
}

/** Counters and the latest values of one meter. */
export class MeterMetrics {
  private latest: Reading | undefined;
  private lastReadingMs: number | undefined;
  private readonly readings = { poll: 0, notification: 0 };
  private failures = 0;
  private readonly recoveries = new Map<RecoveryStepName, number>(RECOVERY_STEPS.map((s) => [s, 0]));
  private sessionState: SessionStateName | undefined;

  constructor(private readonly o: MeterMetricsOptions) {}

  /** Takes one record of the reading stream (a poll or a notification). */
  observe(record: Reading): void {
    this.readings[record.source] += 1;
    this.latest = record;
    const ms = Date.parse(record.timestamp);
    if (Number.isFinite(ms)) this.lastReadingMs = ms;
  }

  /** One scheduled reading that got no answer. */
  countFailure(): void {
    this.failures += 1;
  }

  /** One recovery step the session carried out (whether or not it brought the meter back). */
  countRecovery(step: RecoveryStepName): void {
    this.recoveries.set(step, (this.recoveries.get(step) ?? 0) + 1);
  }

  /** The session's state now (serve's status). */
  setSessionState(state: SessionStateName): void {
    this.sessionState = state;
  }

  /** The text exposition at `nowMs` (epoch ms; default the clock's now, else the host's). */
  render(nowMs: number = (this.o.clock ?? systemClock).now()): string {
    return renderExposition(this.families(nowMs));
  }

  /** The metric families at `nowMs`, in render order. */
  families(nowMs: number): MetricFamily[] {
    const meter = this.o.meter;
    const r = this.latest;
    const one = (value: number | null | undefined, labels: Record<string, string> = {}): Sample[] =>
      value === null || value === undefined ? [] : [{ labels: { meter, ...labels }, value }];
    const joules = (kwh: number | null | undefined): number | null =>
      kwh === null || kwh === undefined ? null : Math.round(kwh * J_PER_KWH);
    const lastS = this.lastReadingMs === undefined ? null : this.lastReadingMs / 1000;
    const ageS = this.lastReadingMs === undefined ? null : Math.max(0, nowMs - this.lastReadingMs) / 1000;
    const fixedAt = (iso: string | null | undefined): number | null => {
      const ms = iso == null ? NaN : Date.parse(iso);
      return Number.isFinite(ms) ? ms / 1000 : null;
    };
    return [
      {
        name: 'bmeter_power_watts',
        type: 'gauge',
        help: 'Instantaneous power from the grid (E7), W; negative while exporting.',
        samples: one(r?.power_w),
      },
      {
        name: 'bmeter_current_amperes',
        type: 'gauge',
        help: 'Instantaneous current per phase (E8), A.',
        samples: [...one(r?.current_r_a, { phase: 'r' }), ...one(r?.current_t_a, { phase: 't' })],
      },
      {
        name: 'bmeter_energy_joules_total',
        type: 'counter',
        help: "Cumulative energy by direction (E0 bought, E3 sold), J (kWh x 3600000); wraps at the meter's digits.",
        samples: [
          ...one(joules(r?.energy_normal_kwh), { direction: 'bought' }),
          ...one(joules(r?.energy_reverse_kwh), { direction: 'sold' }),
        ],
      },
      {
        name: 'bmeter_fixed_energy_joules_total',
        type: 'counter',
        help: 'Cumulative energy at the last :00 or :30 by direction (EA bought, EB sold), J.',
        samples: [
          ...one(joules(r?.fixed_normal_kwh), { direction: 'bought' }),
          ...one(joules(r?.fixed_reverse_kwh), { direction: 'sold' }),
        ],
      },
      {
        name: 'bmeter_fixed_energy_timestamp_seconds',
        type: 'gauge',
        help: 'The meter time (Unix seconds) of the fixed-time energy by direction (EA, EB).',
        samples: [
          ...one(fixedAt(r?.fixed_normal_at), { direction: 'bought' }),
          ...one(fixedAt(r?.fixed_reverse_at), { direction: 'sold' }),
        ],
      },
      {
        name: 'bmeter_last_reading_timestamp_seconds',
        type: 'gauge',
        help: 'Host time of the last record, Unix seconds.',
        samples: one(lastS),
      },
      {
        name: 'bmeter_last_reading_age_seconds',
        type: 'gauge',
        help: 'Seconds since the last record, when the metrics were rendered.',
        samples: one(ageS),
      },
      {
        name: 'bmeter_readings_total',
        type: 'counter',
        help: "Records taken, by source (poll: a scheduled reading; notification: the meter's own INF).",
        samples: [
          ...one(this.readings.poll, { source: 'poll' }),
          ...one(this.readings.notification, { source: 'notification' }),
        ],
      },
      {
        name: 'bmeter_reading_failures_total',
        type: 'counter',
        help: 'Scheduled readings that got no answer from the meter.',
        samples: one(this.failures),
      },
      {
        name: 'bmeter_session_recoveries_total',
        type: 'counter',
        help: 'Session recovery steps carried out, by step (rejoin, scan-channel, full-scan, reopen).',
        samples: RECOVERY_STEPS.flatMap((step) => one(this.recoveries.get(step) ?? 0, { step })),
      },
      {
        name: 'bmeter_session_state',
        type: 'gauge',
        help: 'The session state: 1 for the current one (up, joining, recovering, stopped), 0 for the others.',
        samples:
          this.sessionState === undefined
            ? []
            : SESSION_STATES.flatMap((state) => one(state === this.sessionState ? 1 : 0, { state })),
      },
      {
        name: 'bmeter_build_info',
        type: 'gauge',
        help: 'Always 1; the bmeter version in a label.',
        samples: this.o.version === undefined ? [] : one(1, { version: this.o.version }),
      },
    ];
  }
}
