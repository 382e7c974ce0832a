import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSeconds, secondsBetween } from '../src/lib/durations';

describe('durations', () => {
  it('counts whole seconds between two times, never fewer than none', () => {
    assert.equal(secondsBetween('2026-12-01T09:00:00.000Z', '2026-12-01T10:05:30.400Z'), 3930);
    assert.equal(secondsBetween('2026-12-01T09:00:05Z', '2026-12-01T09:00:00Z'), 0);
  });

  it('writes hours and minutes, minutes and seconds, or seconds', () => {
    assert.equal(formatSeconds(3930), '1 h 5 min');
    assert.equal(formatSeconds(200), '3 min 20 s');
    assert.equal(formatSeconds(45), '45 s');
    assert.equal(formatSeconds(0), '0 s');
  });
});
