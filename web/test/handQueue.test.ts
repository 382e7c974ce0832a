import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handQueue } from '../src/lib/handQueue';

describe('hand queue', () => {
  it('orders hands by when they went up, then by user id', () => {
    const hands = new Map([
      ['c', '2026-01-01T00:00:03.000Z'],
      ['a', '2026-01-01T00:00:01.000Z'],
      ['z', '2026-01-01T00:00:02.000Z'],
      ['b', '2026-01-01T00:00:02.000Z'],
    ]);
    assert.deepEqual(handQueue(hands), ['a', 'b', 'z', 'c']);
  });

  it('is empty with no hands up', () => {
    assert.deepEqual(handQueue(new Map()), []);
  });
});
