import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lossBetween, qualityDetail, qualityLevel } from '../src/lib/quality';

describe('network quality', () => {
  it('grades loss, round trip and the forwarded layer', () => {
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 20, layer: { spatial: 2, max: 2 } }), 3);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 20, layer: { spatial: 1, max: 2 } }), 2);
    assert.equal(qualityLevel({ lossFraction: 0.05, rttMs: 20, layer: null }), 1);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 400, layer: null }), 1);
    assert.equal(qualityLevel({ lossFraction: 0.2, rttMs: null, layer: null }), 0);
  });

  it('grades the server score instead of the browser-measured loss once there is one', () => {
    assert.equal(qualityLevel({ lossFraction: 0.2, rttMs: 20, layer: null, score: 10 }), 3);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 20, layer: null, score: 9 }), 2);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 20, layer: null, score: 7 }), 1);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 20, layer: null, score: 4 }), 0);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 400, layer: null, score: 10 }), 1);
    assert.equal(qualityLevel({ lossFraction: 0, rttMs: 20, layer: { spatial: 0, max: 2 }, score: 10 }), 2);
    assert.equal(qualityLevel({ lossFraction: 0.2, rttMs: 20, layer: null, score: null }), 0);
    assert.equal(qualityDetail({ lossFraction: 0, rttMs: null, layer: null, score: 8 }), 'loss 0.0 %, score 8/10');
  });

  it('measures loss over the interval, not since the start', () => {
    assert.equal(lossBetween(undefined, { lost: 0, received: 0 }), 0);
    assert.equal(lossBetween({ lost: 10, received: 1000 }, { lost: 20, received: 1090 }), 0.1);
    assert.equal(lossBetween({ lost: 10, received: 1000 }, { lost: 10, received: 1000 }), 0);
  });

  it('says what the bars are made of', () => {
    assert.equal(qualityDetail({ lossFraction: 0.012, rttMs: 35.4, layer: { spatial: 1, max: 2 } }), 'loss 1.2 %, round trip 35 ms, layer 2 (wanted 3)');
  });
});
