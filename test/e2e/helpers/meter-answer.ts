/**
 * The values a poll must report, worked out by hand from the bytes the simulated meter sent (a
 * `--log-level trace` run logs every ERXUDP as hex): E7 s32 W, E8 2 × s16 0.1 A, E0/E3 u32 ×
 * coefficient (D3) × unit (E1), EA/EB date-time + u32 (PROTOCOL.md §8) — never with our decoder.
 */
import { TARGET } from './target.js';
import assert from 'node:assert/strict';

/** Every Get_Res/Get_SNA's properties from a trace log (rx ERXUDP lines, data in hex). */
export function meterAnswers(stderr: string): Map<number, Buffer>[] {
  const answers: Map<number, Buffer>[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.includes('"rx":"ERXUDP')) continue;
    const rx = String((JSON.parse(line) as { rx: string }).rx);
    const data = Buffer.from(rx.split(' ').at(-1) ?? '', 'hex');
    // EHD 1081, SEOJ 028801 at 4..6, ESV at 10: 0x72 Get_Res or 0x52 Get_SNA
    if (data.length < 12 || data.readUInt16BE(0) !== 0x1081) continue;
    if (data.subarray(4, 7).toString('hex') !== '028801') continue;
    if (data[10] !== 0x72 && data[10] !== 0x52) continue;
    const props = new Map<number, Buffer>();
    let at = 12;
    for (let i = 0; i < (data[11] ?? 0); i++) {
      const epc = data[at] ?? 0;
      const pdc = data[at + 1] ?? 0;
      props.set(epc, data.subarray(at + 2, at + 2 + pdc));
      at += 2 + pdc;
    }
    answers.push(props);
  }
  return answers;
}

/** The one answer of a one-reading run. */
export function meterAnswer(stderr: string): Map<number, Buffer> {
  const answers = meterAnswers(stderr);
  assert.equal(answers.length, 1, 'one answer from the meter per poll');
  return answers[0] ?? new Map();
}

/**
 * The record values the answer implies, worked out by hand (§8, §8.1): any E1 unit and D3
 * coefficient on a real stick; on the simulator, 0.1 kWh and coefficient 1 are checked too.
 */
export function expectedFrom(props: Map<number, Buffer>): Record<string, unknown> {
  const edt = (epc: number): Buffer => {
    const b = props.get(epc);
    assert.ok(b !== undefined && b.length > 0, `the meter gave EPC ${epc.toString(16)}`);
    return b;
  };
  // kWh = raw × D3 × E1 (§8.1). E1 0x00–0x04 is 10^-code kWh, 0x0A–0x0D is 10^(code − 9) kWh; a meter
  // without D3 answers it with PDC 0 (Get_SNA) and its coefficient is 1. The simulated meter counts
  // in 0.1 kWh with coefficient 1.
  const unit = edt(0xe1)[0] ?? 0;
  const d3 = props.get(0xd3);
  const coefficient = d3 !== undefined && d3.length === 4 ? d3.readUInt32BE(0) : 1;
  if (TARGET.kind === 'simulator') assert.deepEqual([unit, coefficient], [0x01, 1], 'E1 0.1 kWh, D3 1');
  const kwh = (raw: number): number =>
    unit <= 0x04 ? (raw * coefficient) / 10 ** unit : raw * coefficient * 10 ** (unit - 0x09);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const at = (b: Buffer): string =>
    `${b.readUInt16BE(0)}-${p2(b[2] ?? 0)}-${p2(b[3] ?? 0)}T${p2(b[4] ?? 0)}:${p2(b[5] ?? 0)}:${p2(b[6] ?? 0)}+09:00`;
  return {
    power_w: edt(0xe7).readInt32BE(0),
    current_r_a: edt(0xe8).readInt16BE(0) / 10,
    current_t_a: edt(0xe8).readInt16BE(2) / 10,
    energy_normal_kwh: kwh(edt(0xe0).readUInt32BE(0)),
    energy_reverse_kwh: kwh(edt(0xe3).readUInt32BE(0)),
    fixed_normal_at: at(edt(0xea)),
    fixed_normal_kwh: kwh(edt(0xea).readUInt32BE(7)),
    fixed_reverse_at: at(edt(0xeb)),
    fixed_reverse_kwh: kwh(edt(0xeb).readUInt32BE(7)),
  };
}
