/**
 * Sorting what the stick receives while a poll session runs (docs/protocol.md §7, §11 quirk 17):
 * the answer to our pending Get, the meter's own notifications (INF / INFC of EA/EB), or
 * something to ignore (PANA on UDP 716 = 0x02CC, the node-profile INF D5 multicast, other TIDs,
 * frames that are not ECHONET Lite at all). Pure: the caller owns the pending request.
 */
import { decodeFrame, type EchonetFrame } from '../frame.js';
import { ECHONET_UDP_PORT, EOJ, ESV, esvName } from '../constants.js';

/** The fields of an ERXUDP line this module looks at (skstack's ErxudpLine has them all). */
export interface Datagram {
  sender: string;
  dest: string;
  rport: number;
  lport: number;
  data: Buffer;
}

/** The TIDs of the reading in flight: a late answer to an earlier try of it is still its answer. */
export interface PendingGet {
  tids: ReadonlySet<number>;
}

export type Incoming =
  | { kind: 'response'; frame: EchonetFrame }
  | { kind: 'notification'; frame: EchonetFrame; needsReply: boolean }
  | { kind: 'ignore'; reason: string };

/**
 * ECHONET answers to our requests: Get_Res, or Get_SNA when some EPC is not available (§7);
 * Set_Res / SetC_SNA to the SetC E5/ED/EF of `bmeter history` (§7, §9). Matched by TID.
 */
const GET_ANSWERS: ReadonlySet<number> = new Set([ESV.Get_Res, ESV.Get_SNA, ESV.Set_Res, ESV.SetC_SNA]);

/** True for an IPv6 multicast destination (FF02::1 for the meter's INF, §3.8). */
export function isMulticast(address: string): boolean {
  return address.trim().toUpperCase().startsWith('FF');
}

/**
 * Sorts one received datagram: the `response` to the pending Get (ECHONET port 3610 both ways, from the meter
 * object 028801, a Get_Res/Get_SNA/Set_Res/SetC_SNA unicast with one of `pending.tids`), a meter `notification`
 * (INF, or INFC which `needsReply`), or `ignore` with the reason (PANA, another object, multicast, another TID …).
 */
export function classifyDatagram(dgram: Datagram, pending: PendingGet | undefined): Incoming {
  if (dgram.rport !== ECHONET_UDP_PORT || dgram.lport !== ECHONET_UDP_PORT) {
    // PANA (0x02CC) and anything else that is not ECHONET Lite (§4.1).
    return { kind: 'ignore', reason: `UDP port ${hex4(dgram.rport)}→${hex4(dgram.lport)} is not ECHONET Lite` };
  }
  let frame: EchonetFrame;
  try {
    frame = decodeFrame(dgram.data);
  } catch (err) {
    return { kind: 'ignore', reason: `undecodable ECHONET Lite frame: ${(err as Error).message}` };
  }
  const from = `TID ${hex4(frame.tid)} ${frame.seoj}→${frame.deoj} ${esvName(frame.esv)}`;
  if (frame.seoj !== EOJ.meter) {
    // e.g. the node profile's INF D5 instance list after a join (0EF001 → 0EF001, §7).
    return { kind: 'ignore', reason: `${from}: not from the meter object` };
  }
  if (frame.esv === ESV.INF || frame.esv === ESV.INFC) {
    // Notifications carry arbitrary TIDs (§11 quirk 17): never the answer to our Get.
    return { kind: 'notification', frame, needsReply: frame.esv === ESV.INFC };
  }
  if (isMulticast(dgram.dest)) return { kind: 'ignore', reason: `${from}: multicast` };
  if (!GET_ANSWERS.has(frame.esv)) return { kind: 'ignore', reason: `${from}: not an answer to a Get` };
  if (pending === undefined) return { kind: 'ignore', reason: `${from}: no request is pending (late answer?)` };
  if (!pending.tids.has(frame.tid)) {
    const expected = [...pending.tids].map(hex4).join('/');
    return { kind: 'ignore', reason: `${from}: expected TID ${expected}` };
  }
  return { kind: 'response', frame };
}

/** INFC_Res (0x7A) for an INFC: same TID, same EPCs with PDC 0, EOJs swapped (§7). */
export function infcResponse(infc: EchonetFrame): EchonetFrame {
  return {
    tid: infc.tid,
    seoj: infc.deoj,
    deoj: infc.seoj,
    esv: ESV.INFC_Res,
    properties: infc.properties.map((p) => ({ epc: p.epc, edt: Buffer.alloc(0) })),
  };
}

/**
 * A 16-bit number as four upper-case hex digits (TIDs and UDP ports in messages, §11.18).
 */
export function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
