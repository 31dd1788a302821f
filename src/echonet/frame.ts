/**
 * ECHONET Lite frame codec, format 1 (docs/protocol.md §7):
 *   EHD1(0x10) EHD2(0x81) TID(2) SEOJ(3) DEOJ(3) ESV OPC { EPC PDC EDT[PDC] } × OPC
 * All multi-byte values big-endian. The decoder never reads past the end of its input and
 * reports every fault as a FrameError naming what is wrong and at which byte offset.
 */
import { BmeterError } from '../errors.js';
import { EHD1, EHD2_ARBITRARY, EHD2_FORMAT1, EOJ } from './constants.js';

export interface EchonetProperty {
  epc: number;
  /** Property data; PDC = edt.length. A Get request property has an empty edt. */
  edt: Buffer;
}

export interface EchonetFrame {
  /** 16-bit transaction id (binary, big-endian on the wire; §11 quirk 18). */
  tid: number;
  /** 6 upper-case hex digits, e.g. '028801'. */
  seoj: string;
  deoj: string;
  esv: number;
  properties: EchonetProperty[];
}

/** A truncated or malformed ECHONET Lite frame (or one that cannot be encoded). */
export class FrameError extends BmeterError {
  /** Byte offset into the frame where the fault was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('DECODE', message);
    this.offset = offset;
  }
}

/** EHD1 EHD2 TID SEOJ DEOJ ESV OPC */
export const HEADER_LENGTH = 12;

/**
 * Decodes an ECHONET Lite format-1 frame (§7: EHD1 0x10, EHD2 0x81, TID, SEOJ, DEOJ, ESV, OPC, then OPC × EPC PDC
 * EDT) from exactly `bytes`. Throws FrameError naming the first fault and its byte offset: not ECHONET Lite (EHD1),
 * arbitrary format (EHD2 0x82), a header or property cut short, bytes left over after the last property.
 */
export function decodeFrame(bytes: Uint8Array): EchonetFrame {
  const len = bytes.length;
  if (len < 1) throw new FrameError('frame truncated: empty frame (the header needs 12 bytes)', 0);
  const ehd1 = bytes[0] ?? 0;
  if (ehd1 !== EHD1) {
    throw new FrameError(`not an ECHONET Lite frame: EHD1 is 0x${hex(ehd1)} at offset 0 (expected 0x10)`, 0);
  }
  if (len >= 2) {
    const ehd2 = bytes[1] ?? 0;
    if (ehd2 === EHD2_ARBITRARY) {
      throw new FrameError(
        'unsupported frame: EHD2 0x82 (arbitrary message format) at offset 1; only format 1 (0x81) is decoded',
        1,
      );
    }
    if (ehd2 !== EHD2_FORMAT1) {
      throw new FrameError(`malformed frame: unknown EHD2 0x${hex(ehd2)} at offset 1 (expected 0x81)`, 1);
    }
  }
  if (len < HEADER_LENGTH) {
    throw new FrameError(`frame truncated: the header needs ${HEADER_LENGTH} bytes but only ${len} are present`, len);
  }
  const tid = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const seoj = eojAt(bytes, 4);
  const deoj = eojAt(bytes, 7);
  const esv = bytes[10] ?? 0;
  const opc = bytes[11] ?? 0;

  const properties: EchonetProperty[] = [];
  let offset = HEADER_LENGTH;
  for (let i = 1; i <= opc; i++) {
    if (offset >= len) {
      throw new FrameError(`frame truncated: OPC is ${opc} but property ${i} is missing at offset ${offset}`, offset);
    }
    const epc = bytes[offset] ?? 0;
    if (offset + 1 >= len) {
      throw new FrameError(
        `frame truncated: property ${i} (EPC ${hex(epc)}) has no PDC at offset ${offset + 1}`,
        offset + 1,
      );
    }
    const pdc = bytes[offset + 1] ?? 0;
    const edtStart = offset + 2;
    const remaining = len - edtStart;
    if (pdc > remaining) {
      throw new FrameError(
        `frame truncated: property ${i} (EPC ${hex(epc)}) declares PDC ${pdc} but only ${remaining} bytes remain at offset ${edtStart}`,
        edtStart,
      );
    }
    properties.push({ epc, edt: Buffer.from(bytes.subarray(edtStart, edtStart + pdc)) });
    offset = edtStart + pdc;
  }
  if (offset < len) {
    throw new FrameError(
      `malformed frame: ${len - offset} unexpected byte(s) after the last of ${opc} properties at offset ${offset}`,
      offset,
    );
  }
  return { tid, seoj, deoj, esv, properties };
}

/**
 * Encodes `frame` as ECHONET Lite format 1 (§7), the inverse of decodeFrame. Throws FrameError when a field does
 * not fit: a TID that is not 16 bits, an EOJ that is not 6 hex digits, an ESV or EPC that is not a byte, more than
 * 255 properties or an EDT over 255 bytes.
 */
export function encodeFrame(frame: EchonetFrame): Buffer {
  if (!Number.isInteger(frame.tid) || frame.tid < 0 || frame.tid > 0xffff) {
    throw new FrameError(`cannot encode frame: TID ${String(frame.tid)} is not a 16-bit integer`, 2);
  }
  checkByte(frame.esv, 'ESV', 10);
  if (frame.properties.length > 0xff) {
    throw new FrameError(`cannot encode frame: ${frame.properties.length} properties exceed OPC 255`, 11);
  }
  const size = HEADER_LENGTH + frame.properties.reduce((n, p) => n + 2 + p.edt.length, 0);
  const out = Buffer.alloc(size);
  out[0] = EHD1;
  out[1] = EHD2_FORMAT1;
  out.writeUInt16BE(frame.tid, 2);
  writeEoj(out, 4, frame.seoj, 'SEOJ');
  writeEoj(out, 7, frame.deoj, 'DEOJ');
  out[10] = frame.esv;
  out[11] = frame.properties.length;
  let offset = HEADER_LENGTH;
  frame.properties.forEach((p, i) => {
    checkByte(p.epc, `EPC of property ${i + 1}`, offset);
    if (p.edt.length > 0xff) {
      throw new FrameError(
        `cannot encode frame: property ${i + 1} (EPC ${hex(p.epc)}) has ${p.edt.length} bytes of EDT, PDC max is 255`,
        offset + 1,
      );
    }
    out[offset] = p.epc;
    out[offset + 1] = p.edt.length;
    Buffer.from(p.edt).copy(out, offset + 2);
    offset += 2 + p.edt.length;
  });
  return out;
}

/** A Get (0x62) request from the controller for the given EPCs, each with PDC 0 (§7). */
export function getRequest(tid: number, epcs: number[], deoj: string = EOJ.meter): Buffer {
  return encodeFrame({
    tid,
    seoj: EOJ.controller,
    deoj,
    esv: 0x62,
    properties: epcs.map((epc) => ({ epc, edt: Buffer.alloc(0) })),
  });
}

/** The TID after `tid`, wrapping 0xFFFF → 0x0000. */
export function nextTid(tid: number): number {
  return (Math.trunc(tid) + 1) & 0xffff;
}

function eojAt(bytes: Uint8Array, at: number): string {
  return hex(bytes[at] ?? 0) + hex(bytes[at + 1] ?? 0) + hex(bytes[at + 2] ?? 0);
}

function writeEoj(out: Buffer, at: number, eoj: string, what: string): void {
  if (!/^[0-9A-Fa-f]{6}$/.test(eoj)) {
    throw new FrameError(`cannot encode frame: ${what} "${eoj}" is not 6 hex digits (e.g. 028801)`, at);
  }
  out.write(eoj, at, 3, 'hex');
}

function checkByte(n: number, what: string, at: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) {
    throw new FrameError(`cannot encode frame: ${what} ${String(n)} is not a byte`, at);
  }
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
