/**
 * PANA-like payloads the meter sends during SKJOIN (UDP 716 = 0x02CC, unsecured), shaped like
 * the real sequence of capture `rswsuha-skjoin-pana-sequence` (docs/protocol.md §3.8): four
 * PANA-Auth messages of 0x28, 0x68, 0x54 and 0x58 bytes, the last one carrying Result-Code 0,
 * EAP-Success and the Session-Lifetime AVP (code 8). Not real cryptography: the bytes only have
 * to look and frame like PANA (RFC 5191 header + AVPs).
 *
 * As on the real meter, the 0x68 message embeds the Route-B ID as ASCII (a client's logs must
 * mask it).
 */
import { type Random } from './random.js';

const PANA_AUTH = 0x0002;
const FLAG_REQUEST = 0x8000;
const FLAG_START = 0x4000;
const FLAG_COMPLETE = 0x2000;

const AVP = {
  auth: 1,
  eapPayload: 2,
  integrityAlgorithm: 3,
  keyId: 4,
  prfAlgorithm: 6,
  resultCode: 7,
  sessionLifetime: 8,
} as const;

function avp(code: number, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(value.length, 4);
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([head, value, pad]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function bytes(random: Random, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
}

/**
 * PANA payloads for the simulated join (ERXUDP on port 716, docs/protocol.md §3.8): plausible sizes and
 * sequence numbers, random bytes inside; nothing in them is a real secret.
 */
export class PanaScript {
  private readonly sessionId: number;
  private seq: number;

  constructor(private readonly random: Random) {
    this.sessionId = Math.floor(random() * 0xffffffff);
    this.seq = Math.floor(random() * 0xfffffff);
  }

  private message(flags: number, avps: Buffer[]): Buffer {
    const body = Buffer.concat(avps);
    const head = Buffer.alloc(16);
    head.writeUInt16BE(16 + body.length, 2);
    head.writeUInt16BE(flags, 4);
    head.writeUInt16BE(PANA_AUTH, 6);
    head.writeUInt32BE(this.sessionId, 8);
    head.writeUInt32BE(this.seq++ >>> 0, 12);
    return Buffer.concat([head, body]);
  }

  /** 0x28 bytes: PANA-Auth-Request with the S flag, PRF and integrity algorithms. */
  start(): Buffer {
    return this.message(FLAG_REQUEST | FLAG_START, [
      avp(AVP.prfAlgorithm, u32(5)),
      avp(AVP.integrityAlgorithm, u32(0x0c)),
    ]);
  }

  /** 0x68 bytes: EAP-Request (EAP-PSK first message) with RAND_S and the server/peer identity. */
  eapFirst(routeBId: string): Buffer {
    const id = Buffer.alloc(58);
    Buffer.from(routeBId, 'latin1').copy(id);
    const eap = Buffer.concat([Buffer.from([0x01, 0x01, 0x00, 0x50, 0x2f, 0x00]), bytes(this.random, 16), id]);
    return this.message(FLAG_REQUEST, [avp(AVP.eapPayload, eap)]);
  }

  /** 0x54 bytes: EAP-PSK third message (opaque). */
  eapThird(): Buffer {
    const eap = Buffer.concat([Buffer.from([0x01, 0x02, 0x00, 0x3b, 0x2f, 0x80]), bytes(this.random, 53)]);
    return this.message(FLAG_REQUEST, [avp(AVP.eapPayload, eap)]);
  }

  /** 0x58 bytes on success (Result-Code 0, EAP-Success, Key-Id, Session-Lifetime, AUTH);
   *  0x28 bytes on failure (Result-Code 1 PANA_AUTHENTICATION_REJECTED, EAP-Failure). */
  complete(success: boolean, lifetimeS: number): Buffer {
    if (!success) {
      return this.message(FLAG_REQUEST | FLAG_COMPLETE, [
        avp(AVP.resultCode, u32(1)),
        avp(AVP.eapPayload, Buffer.from([0x04, 0x02, 0x00, 0x04])),
      ]);
    }
    return this.message(FLAG_REQUEST | FLAG_COMPLETE, [
      avp(AVP.resultCode, u32(0)),
      avp(AVP.eapPayload, Buffer.from([0x03, 0x02, 0x00, 0x04])),
      avp(AVP.keyId, u32(1)),
      avp(AVP.sessionLifetime, u32(lifetimeS)),
      avp(AVP.auth, bytes(this.random, 16)),
    ]);
  }
}
