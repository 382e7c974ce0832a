import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spatialLayerFor } from '../src/lib/layers';

describe('simulcast layer for a tile', () => {
  it('uses the low layer for thumbnails, the middle for half-size tiles, the top for large ones', () => {
    assert.equal(spatialLayerFor(160), 0);
    assert.equal(spatialLayerFor(320), 0);
    assert.equal(spatialLayerFor(400), 0);
    assert.equal(spatialLayerFor(480), 1);
    assert.equal(spatialLayerFor(640), 1);
    assert.equal(spatialLayerFor(900), 2);
  });

  it('counts device pixels on dense screens', () => {
    assert.equal(spatialLayerFor(320, 2), 1);
    assert.equal(spatialLayerFor(480, 2), 2);
  });

  it('stays within the layers that exist', () => {
    assert.equal(spatialLayerFor(-5), 0);
    assert.equal(spatialLayerFor(100_000), 2);
    assert.equal(spatialLayerFor(100_000, 1, 1280, 2), 1);
    assert.equal(spatialLayerFor(10, 1, 1280, 1), 0);
  });
});
