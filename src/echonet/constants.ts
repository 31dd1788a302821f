/**
 * ECHONET Lite protocol constants (docs/protocol.md §7).
 */

/** EHD1 = 0x10 (ECHONET Lite), EHD2 = 0x81 (format 1, specified message format). §7 */
export const EHD1 = 0x10 as const;
export const EHD2_FORMAT1 = 0x81 as const;
/** EHD2 0x82 = arbitrary message format: not used on the B-route, refused by the decoder. §7 */
export const EHD2_ARBITRARY = 0x82 as const;

/** Service codes, ECHONET Lite specification v1.14 part 2, section 3.2.5 (docs/protocol.md §7 ESV table). */
export const ESV = {
  SetI: 0x60,
  SetC: 0x61,
  Get: 0x62,
  INF_REQ: 0x63,
  SetGet: 0x6e,
  Set_Res: 0x71,
  Get_Res: 0x72,
  INF: 0x73,
  INFC: 0x74,
  INFC_Res: 0x7a,
  SetGet_Res: 0x7e,
  SetI_SNA: 0x50,
  SetC_SNA: 0x51,
  Get_SNA: 0x52,
  INF_SNA: 0x53,
  SetGet_SNA: 0x5e,
} as const;

export type EsvName = keyof typeof ESV;

const ESV_NAMES: ReadonlyMap<number, EsvName> = new Map(
  (Object.entries(ESV) as [EsvName, number][]).map(([name, code]) => [code, name]),
);

/** The ESV's name ("Get_Res"), or "unknown(0xNN)" for a code outside §7's table. */
export function esvName(esv: number): string {
  return ESV_NAMES.get(esv) ?? `unknown(0x${hex2(esv)})`;
}

/** ECHONET objects used on the B-route, 6 upper-case hex digits (class group, class, instance). §7 */
export const EOJ = {
  controller: '05FF01',
  meter: '028801',
  nodeProfile: '0EF001',
} as const;

/** UDP port 3610 both ways. §7 */
export const ECHONET_UDP_PORT = 0x0e1a;

function hex2(n: number): string {
  return (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
}
