/**
 * Property-style robustness: random and mutated bytes fed to the frame and property decoders give
 * either a result or a typed error (FrameError / PropertyError, BmeterError 'DECODE') — never
 * anything else, and never a read past the end of the input. Seeded, so every run is the same.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, FrameError } from '../../src/echonet/frame.js';
import { BmeterError } from '../../src/errors.js';
import { decodeProperty, NODE_PROFILE_PROPERTIES, PROPERTIES } from '../../src/meter/properties.js';
import { seededRandom as prng } from '../../src/sim/random.js'; // mulberry32: seeded, so every run is the same
import { loadCaptures } from '../fixtures/captures.js';

const int = (rand: () => number, n: number) => Math.floor(rand() * n);
const bytes = (rand: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => int(rand, 256)));

/** Decodes `view` (a window of a larger buffer); success must re-encode to exactly the window. */
function checkFrame(view: Uint8Array): 'ok' | 'error' {
  try {
    const frame = decodeFrame(view);
    assert.deepEqual(encodeFrame(frame), Buffer.from(view), 'decoded frame must use exactly the given bytes');
    return 'ok';
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(err instanceof FrameError, `decodeFrame threw ${String(err)}`);
    assert.equal(err.code, 'DECODE');
    assert.ok(
      Number.isInteger(err.offset) && err.offset >= 0 && err.offset <= view.length,
      `offset ${err.offset} outside 0…${view.length}`,
    );
    return 'error';
  }
}

function checkProperty(epc: number, edt: Buffer, eoj: string): void {
  try {
    const d = decodeProperty(epc, edt, { unitCode: 0x01, coefficient: 3 }, eoj);
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d, 'decoded value must be plain JSON');
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(err instanceof BmeterError && err.code === 'DECODE', `EPC ${epc.toString(16)} threw ${String(err)}`);
  }
}

describe('decoders under random input', () => {
  it('decodeFrame gives a frame or a FrameError for 3000 random byte strings, reading only the given window', () => {
    const rand = prng(0x5eed);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      const len = int(rand, 40);
      const body = bytes(rand, len);
      // bias half the cases towards a valid header so the property loop is exercised
      if (i % 2 === 0 && len >= 2) {
        body[0] = 0x10;
        body[1] = 0x81;
      }
      if (i % 4 === 0 && len >= 12) body[11] = int(rand, 4);
      const backing = Buffer.concat([body, Buffer.alloc(16, 0xee)]);
      seen[checkFrame(backing.subarray(0, len))]++;
    }
    assert.ok(seen.ok > 10 && seen.error > 10, `too one-sided: ${JSON.stringify(seen)}`);
  });

  it('decodeFrame gives a frame or a FrameError for every truncation and 2000 byte flips of the real captures', () => {
    const rand = prng(42);
    const frames = loadCaptures().flatMap((c) =>
      typeof c.frame_hex === 'string' ? [Buffer.from(c.frame_hex, 'hex')] : [],
    );
    assert.ok(frames.length >= 35, `only ${frames.length} capture frames: the loops below would prove little`);
    for (const f of frames) for (let n = 0; n <= f.length; n++) checkFrame(f.subarray(0, n));
    for (let i = 0; i < 2000; i++) {
      const f = Buffer.from(frames[int(rand, frames.length)] ?? Buffer.alloc(0));
      f[int(rand, f.length)] = int(rand, 256);
      checkFrame(f);
    }
  });

  it('decodeProperty gives a value or a typed DECODE error for 4000 random EDTs across every EPC of both tables', () => {
    const rand = prng(7);
    const tables: [string, number[]][] = [
      ['028801', Object.keys(PROPERTIES).map(Number)],
      ['0EF001', Object.keys(NODE_PROFILE_PROPERTIES).map(Number)],
    ];
    for (let i = 0; i < 4000; i++) {
      const [eoj, epcs] = tables[i % 2] ?? tables[0]!;
      const epc = epcs[int(rand, epcs.length)] ?? 0xe7;
      // lengths near the expected ones matter most: 0–20 mostly, sometimes up to 200
      const len = rand() < 0.9 ? int(rand, 21) : int(rand, 201);
      checkProperty(epc, bytes(rand, len), eoj);
    }
  });

  it('decodeProperty stays typed on right-length EDTs full of sentinel-like bytes', () => {
    const rand = prng(99);
    const fills = [0x00, 0x7f, 0x80, 0xfe, 0xff];
    for (const epc of Object.keys(PROPERTIES).map(Number)) {
      for (const len of [1, 2, 3, 4, 7, 11, 15, 16, 17, 23, 194]) {
        for (const fill of fills) checkProperty(epc, Buffer.alloc(len, fill), '028801');
        checkProperty(epc, bytes(rand, len), '028801');
      }
    }
  });
});
