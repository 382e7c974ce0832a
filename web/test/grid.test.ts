import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridLayout } from '../src/lib/grid';

const shape = (count: number, width: number, height: number): string => {
  const layout = gridLayout(count, width, height);
  return `${layout.columns}x${layout.rows}`;
};

describe('video grid layout', () => {
  it('follows 1, 2, 2x2, 3x3 on a laptop screen', () => {
    assert.equal(shape(1, 1280, 720), '1x1');
    assert.equal(shape(2, 1280, 720), '2x1');
    assert.equal(shape(3, 1280, 720), '2x2');
    assert.equal(shape(4, 1280, 720), '2x2');
    assert.equal(shape(5, 1280, 720), '3x2');
    assert.equal(shape(6, 1280, 720), '3x2');
    assert.equal(shape(9, 1280, 720), '3x3');
    assert.equal(shape(10, 1280, 720), '4x3');
  });

  it('stacks tiles on a phone held upright', () => {
    assert.equal(shape(1, 390, 700), '1x1');
    assert.equal(shape(2, 390, 700), '1x2');
    assert.equal(shape(3, 390, 700), '1x3');
    assert.equal(shape(4, 390, 700), '1x4');
    assert.equal(shape(8, 390, 700), '2x4');
  });

  it('puts two people side by side in the stage left beside an open side panel', () => {
    // 1280×720 window: the stage is about 950×570 with the 300 px people panel open.
    assert.equal(shape(2, 950, 570), '2x1');
    assert.equal(shape(2, 880, 600), '2x1');
    // The end-to-end tests' 1024×640 window with the panel open.
    assert.equal(shape(2, 708, 490), '2x1');
    const layout = gridLayout(2, 950, 570);
    assert.ok(layout.tileWidth >= 400 && layout.tileHeight >= 300, JSON.stringify(layout));
  });

  it('keeps tiles inside the container, between 4:3 and 16:9', () => {
    for (const count of [1, 2, 3, 4, 7, 12, 25]) {
      for (const [width, height] of [[1280, 720], [390, 700], [1920, 1000], [300, 200]] as const) {
        const layout = gridLayout(count, width, height);
        assert.ok(layout.columns * layout.rows >= count, `${count} fit`);
        assert.ok(layout.columns * layout.tileWidth + 8 * (layout.columns - 1) <= width + 1, `${count} in ${width} wide`);
        assert.ok(layout.rows * layout.tileHeight + 8 * (layout.rows - 1) <= height + 1, `${count} in ${height} high`);
        const aspect = layout.tileWidth / Math.max(1, layout.tileHeight);
        assert.ok(aspect <= 16 / 9 + 0.05 && aspect >= 4 / 3 - 0.05, `aspect ${aspect}`);
      }
    }
  });

  it('never leaves a whole row empty', () => {
    for (let count = 1; count <= 30; count++) {
      const layout = gridLayout(count, 1600, 900);
      assert.ok((layout.rows - 1) * layout.columns < count, `count ${count}: ${layout.columns}x${layout.rows}`);
    }
  });

  it('survives degenerate sizes', () => {
    assert.deepEqual(shape(0, 1280, 720), '1x1');
    const tiny = gridLayout(3, 0, 0);
    assert.ok(tiny.columns >= 1 && tiny.rows >= 1);
  });
});
