import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTransport } from '../../src/transport/open.js';

describe('openTransport', () => {
  it('hands sim:// to the built-in simulator, loaded only when asked for', async () => {
    const t = await openTransport('sim://');
    assert.equal(typeof t.write, 'function');
    assert.equal(typeof t.description, 'string');
    await t.close();
  });
});
