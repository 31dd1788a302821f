import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { delayUntil, nextSlot } from '../../src/poll/schedule.js';

const START = 1_700_000_000_000;

describe('poll schedule', () => {
  it('puts reading k at start + k × interval however long reading k−1 took', () => {
    // reading 0 took 3.2 s of a 10 s interval: the next one is still due at start + 10 s
    const slot = nextSlot(START, 10_000, 0, START + 3_200);
    assert.deepEqual(slot, { index: 1, at: START + 10_000, skipped: 0 });
    assert.equal(delayUntil(slot, START + 3_200), 6_800);
  });

  it('does not drift over many readings', () => {
    let index = 0;
    let at = START;
    for (let k = 1; k <= 1000; k++) {
      // every reading takes 1.7 s after its slot
      const slot = nextSlot(START, 60_000, index, at + 1_700);
      index = slot.index;
      at = slot.at;
    }
    assert.equal(at, START + 1000 * 60_000);
  });

  it('skips slots that passed while a reading ran long', () => {
    // reading 2 (due at +20 s) ended at +47 s: slot 3 (+30 s) and 4 (+40 s) are gone
    const slot = nextSlot(START, 10_000, 2, START + 47_000);
    assert.deepEqual(slot, { index: 5, at: START + 50_000, skipped: 2 });
  });

  it('takes a slot whose time is exactly now', () => {
    const slot = nextSlot(START, 10_000, 0, START + 10_000);
    assert.deepEqual(slot, { index: 1, at: START + 10_000, skipped: 0 });
    assert.equal(delayUntil(slot, START + 10_000), 0);
  });

  it('runs readings back to back with interval 0', () => {
    assert.deepEqual(nextSlot(START, 0, 4, START + 5), { index: 5, at: START + 5, skipped: 0 });
  });
});
