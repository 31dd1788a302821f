/**
 * SKSCAN (docs/protocol.md §3.6): after OK the stick dwells 9.6 ms × (2^DURATION + 1) on every
 * channel of the mask (bit 0 = channel 33), scaled by `timeScale`. A meter on a scanned channel
 * is heard only when DURATION ≥ its `findAt`; then `EVENT 20` + `EPANDESC` follow at the end of
 * that channel's dwell. `EVENT 22` ends an active scan (mode 2 with IE → PairID line, mode 3
 * without). Mode 0 (ED scan) ends with `EVENT 1F`, `EEDSCAN` and a line of `<ch> <LQI>` pairs.
 */
import { CRLF, type PanDescriptor, epandesc, eventLine, hex } from './line-writer.js';
import { type StickContext } from './stick-context.js';

export const SCAN_MODE = { ed: 0, activeWithIe: 2, active: 3 } as const;

export interface ScanRequest {
  mode: number;
  mask: number;
  duration: number;
  /** Dual-stack side; 1 (HAN) hears no B-route meter. */
  side: number;
}

/** Simulated dwell per channel, ms: 9.6 × (2^d + 1) (§3.6). */
export function dwellMs(duration: number): number {
  return 9.6 * (2 ** duration + 1);
}

/** Channels (33–60) selected by a mask, in scan order. */
export function maskChannels(mask: number): number[] {
  const out: number[] = [];
  for (let bit = 0; bit < 28; bit++) if ((mask >>> bit) & 1) out.push(33 + bit);
  return out;
}

export interface VisibleMeter {
  pan: PanDescriptor;
  findAt: number;
}

/** The meters a scan can hear: ours, and optionally one neighbour on another channel. */
export function visibleMeters(ctx: StickContext): VisibleMeter[] {
  const o = ctx.o;
  const meters: VisibleMeter[] = o.offAir
    ? []
    : [
        {
          // PAN ID = low 16 bits of the MAC, as on every capture (§3.6); PairID = last 8 chars of
          // the meter's Route-B ID (§3.4 S0A).
          pan: {
            channel: o.channel,
            panId: Number.parseInt(o.meterMac.slice(12), 16),
            addr: o.meterMac,
            lqi: o.lqi,
            pairId: o.routeBId.slice(-8),
          },
          findAt: o.findAt,
        },
      ];
  if (o.neighbours > 0) {
    const mac = '001C6400F00D7C41';
    meters.push({
      pan: {
        channel: o.channel > 36 ? o.channel - 4 : o.channel + 4,
        panId: 0x7c41,
        addr: mac,
        lqi: 0x5a,
        pairId: 'B0NEIGH2',
      },
      findAt: o.findAt,
    });
  }
  return meters;
}

/** Schedules the scan's output; the caller has already printed OK. */
export function runScan(ctx: StickContext, req: ScanRequest): void {
  const format = ctx.format();
  const channels = maskChannels(req.mask);
  const dwell = dwellMs(req.duration);
  const meters = req.side === 0 ? visibleMeters(ctx) : [];
  const steps: [number, () => void][] = [];
  for (const channel of channels) {
    const heard = meters.filter((m) => m.pan.channel === channel && req.duration >= m.findAt);
    steps.push([
      dwell,
      () => {
        if (req.mode === SCAN_MODE.ed) return;
        for (const m of heard) {
          ctx.out.write(
            eventLine(format, 0x20, ctx.ownLla) + epandesc(format, m.pan, req.mode === SCAN_MODE.activeWithIe),
          );
        }
      },
    ]);
  }
  steps.push([
    0,
    () => {
      if (req.mode === SCAN_MODE.ed) {
        const pairs = channels.map(
          (c) => `${hex(c, 2)} ${hex(meters.some((m) => m.pan.channel === c) ? 0xa0 : 0x12 + (c % 7), 2)}`,
        );
        // BP35A1 1.2.10 prints an extra CRLF after the EEDSCAN line (§3.6).
        ctx.out.write(
          eventLine(format, 0x1f, ctx.ownLla) + 'EEDSCAN' + CRLF + pairs.join(' ') + CRLF + (format.dual ? '' : CRLF),
        );
      } else {
        ctx.out.write(eventLine(format, 0x22, ctx.ownLla));
      }
    },
  ]);
  ctx.timers.script('scan', steps);
}
