/**
 * The simulated smart meter (0x028801) behind the stick: answers ECHONET Lite frames the way
 * docs/protocol.md §7 describes — Get → Get_Res, or Get_SNA with PDC 0 for each unsupported EPC while
 * supported ones still carry data; SetC → Set_Res (PDC 0) or SetC_SNA; SetI → nothing or
 * SetI_SNA; INF_REQ → INF or INF_SNA — and builds its unsolicited INF frames (D5, EA/EB).
 */
import { ESV, EOJ } from '../echonet/constants.js';
import { type EchonetFrame, type EchonetProperty, decodeFrame, encodeFrame } from '../echonet/frame.js';
import { MeterValues } from './meter-values.js';
import {
  type Getter,
  type HistoryCursor,
  type Setter,
  meterProperties,
  nodeProfileProperties,
} from './meter-properties.js';

export interface SimMeterOptions {
  pv: boolean;
  wiring: '1p3w' | '1p2w';
  initialKwh: number;
  coefficient: number | null;
  release: string;
  seed: number;
  clock: () => Date;
  /** E3/E4/EB exist (default true; sim option `reverse=0` removes them). */
  reverse?: boolean;
}

/** ECHONET `028801` class+instance vs. `028800` (all instances) both address the meter. */
function addressedTo(deoj: string, eoj: string): boolean {
  return deoj === eoj || deoj === `${eoj.slice(0, 4)}00`;
}

/**
 * The simulated low-voltage smart meter 0x028801 and its node profile: answers Get/SetC frames (Get_SNA for
 * what it lacks), keeps the history cursors (E5, ED, EF) and makes the half-hourly EA/EB INF
 * (docs/protocol.md §7, §8).
 */
export class SimMeter {
  readonly values: MeterValues;
  readonly cursor: HistoryCursor = { day: 0, ec: null, ee: null };
  private readonly get: Map<number, Getter>;
  private readonly set: Map<number, Setter>;
  private readonly nodeGet = nodeProfileProperties();
  /** TIDs of the meter's own notifications: arbitrary, not the controller's (§11.17). */
  private infTid = 0x0360;

  constructor(private readonly o: SimMeterOptions) {
    this.values = new MeterValues(o, o.clock().getTime());
    const props = meterProperties(this.values, this.cursor, {
      coefficient: o.coefficient,
      release: o.release,
      reverse: o.reverse ?? true,
    });
    this.get = props.get;
    this.set = props.set;
  }

  now(): number {
    return this.o.clock().getTime();
  }

  /**
   * The meter's answer to one UDP payload on port 3610, or null when it stays silent (not
   * ECHONET, not addressed to it, SetI success, unsupported ESV). `forceSna` lists EPCs to
   * answer with PDC 0 as if unsupported (fault `sna:EPC`).
   */
  handle(payload: Uint8Array, forceSna: readonly number[] = []): Buffer | null {
    let req: EchonetFrame;
    try {
      req = decodeFrame(payload);
    } catch {
      return null;
    }
    let getters: Map<number, Getter>;
    let setters: Map<number, Setter>;
    let seoj: string;
    if (addressedTo(req.deoj, EOJ.meter)) {
      [getters, setters, seoj] = [this.get, this.set, EOJ.meter];
    } else if (addressedTo(req.deoj, EOJ.nodeProfile)) {
      [getters, setters, seoj] = [this.nodeGet, new Map(), EOJ.nodeProfile];
    } else {
      return null;
    }
    const now = this.now();
    const reply = (esv: number, properties: EchonetProperty[]): Buffer =>
      encodeFrame({ tid: req.tid, seoj, deoj: req.seoj, esv, properties });

    switch (req.esv) {
      case ESV.Get:
      case ESV.INF_REQ: {
        let failed = false;
        const props = req.properties.map(({ epc }) => {
          const getter = forceSna.includes(epc) ? undefined : getters.get(epc);
          if (getter === undefined) failed = true;
          return { epc, edt: getter === undefined ? Buffer.alloc(0) : getter(now) };
        });
        if (req.esv === ESV.Get) return reply(failed ? ESV.Get_SNA : ESV.Get_Res, props);
        return reply(failed ? ESV.INF_SNA : ESV.INF, props);
      }
      case ESV.SetC:
      case ESV.SetI: {
        let failed = false;
        const props = req.properties.map(({ epc, edt }) => {
          const ok = setters.get(epc)?.(edt) ?? false;
          if (!ok) failed = true;
          // Accepted properties come back with PDC 0; rejected ones echo their EDT.
          return { epc, edt: ok ? Buffer.alloc(0) : edt };
        });
        if (req.esv === ESV.SetC) return reply(failed ? ESV.SetC_SNA : ESV.Set_Res, props);
        return failed ? reply(ESV.SetI_SNA, props) : null;
      }
      default:
        return null;
    }
  }

  /** Node-profile INF D5 multicast after a PANA join: `108100000EF0010EF0017301D50401028801` (§3.8). */
  instanceListInf(): Buffer {
    return encodeFrame({
      tid: 0x0000,
      seoj: EOJ.nodeProfile,
      deoj: EOJ.nodeProfile,
      esv: ESV.INF,
      properties: [{ epc: 0xd5, edt: Buffer.from('01028801', 'hex') }],
    });
  }

  /** The half-hourly INF with EA and EB in one frame (OPC 2, as in the RS-WSUHA-P capture), arbitrary TID (§7). */
  fixedTimeInf(): Buffer {
    const now = this.now();
    this.infTid = (this.infTid + 1) & 0xffff;
    const props = [0xea, 0xeb].flatMap((epc) => {
      const g = this.get.get(epc);
      return g === undefined ? [] : [{ epc, edt: g(now) }];
    });
    return encodeFrame({ tid: this.infTid, seoj: EOJ.meter, deoj: EOJ.controller, esv: ESV.INF, properties: props });
  }
}
